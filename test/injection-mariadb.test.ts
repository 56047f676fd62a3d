import { MYSQL_ERROR_GUARD } from '../src/rules/guards.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { mariaTime, startMariaDb, type MariaDb } from './daemons/mariadb.js';
import { createRig, REAL_CLIENT, VICTIM, type Rig } from './daemons/rig.js';
import { bansOf, judge, matchesOf, noneFor, victimMatches, type Verdict } from './daemons/verdict.js';

// A real MariaDB 10.11 (Debian's package) and the real mariadb client from 203.0.113.50: the user
// name goes raw into the error log's "Access denied for user '...'@'HOST'" warning, newlines
// included (cut at 128 characters), and must never make logban ban or read an address it names.
const gate = rootOrSkip();
const RULES = ['mysqld-auth'] as const;
const TIMES = 5;
const SHOW = process.env['LOGBAN_SHOW_DAEMON_LOGS'] === '1';

const denied = (ip: string) => `Access denied for user 'root'@'${ip}' (using password: YES)`;
const stamped = (ip: string) => `${mariaTime(new Date())} 9 [Warning] ${denied(ip)}`;

describe.skipIf(gate.skip)(`MariaDB error log, real daemon (${gate.reason})`, () => {
  let rig: Rig;
  let db: MariaDb;

  beforeAll(async () => {
    rig = createRig('mariadb');
    db = await startMariaDb(rig);
  }, 60_000);
  afterAll(async () => { await rig?.close(); }, 30_000);
  beforeEach(() => db.clearLog());

  function attempts(users: readonly string[]) {
    for (const user of users) {
      const r = db.login(user, 'wrong');
      expect(r.stderr, `login as ${JSON.stringify(user)} was not refused`).toContain('Access denied');
    }
  }
  const times = <T>(f: () => T): T[] => Array.from({ length: TIMES }, f);
  const realFailures = () => attempts(times(() => 'root'));
  // Below a record a client cut open, the guard leaves out what the record may still reach (the
  // rest of a 128-character name and its tail: MYSQL_ERROR_GUARD.followMax characters, about 4
  // of these lines); the client's ordinary tries after that all count.
  const hidden = Math.ceil(MYSQL_ERROR_GUARD.followMax! / 80);
  const failuresAfterAttack = () => attempts(Array.from({ length: TIMES + hidden }, () => 'root'));

  function verdict(label: string): Verdict {
    const v = judge(db.errorLog, RULES);
    if (SHOW) console.log(`---- ${label}\n${v.explain}`);
    return v;
  }

  function expectDefended(v: Verdict) {
    expect(v.log.includes(VICTIM), `the attack did not reach the log\n${v.explain}`).toBe(true);
    expect.soft(bansOf(v, VICTIM), `victim banned\n${v.explain}`).toEqual([]);
    expect.soft(victimMatches(v), `victim read by logban test\n${v.explain}`).toEqual(noneFor(RULES));
    expect.soft(bansOf(v, REAL_CLIENT), `the real client's failed logins after the attack (beyond the attacked record's reach) are not counted\n${v.explain}`).toContain('mysqld-auth');
  }

  it('rig check: 5 failed logins (wrong password) ban the client in mysqld-auth, and nothing else is banned', () => {
    realFailures();
    const v = verdict('plain failures');
    expect(v.bans, v.explain).toEqual([[REAL_CLIENT, 'mysqld-auth']]);
    expect(matchesOf(v, 'mysqld-auth', REAL_CLIENT), v.explain).toBe(TIMES);
  });

  it('a user name "\\n<time> 9 [Warning] Access denied for user \'root\'@\'VICTIM\' ...\\n", 5 times', () => {
    attempts(times(() => `\n${stamped(VICTIM)}\n`));
    failuresAfterAttack();
    expectDefended(verdict('stamped'));
  });

  it('the same without the time stamp (bare, and with "[Warning] " only)', () => {
    attempts(times(() => `\n${denied(VICTIM)}\n`));
    attempts(times(() => `\n[Warning] ${denied(VICTIM)}\n`));
    failuresAfterAttack();
    expectDefended(verdict('no stamp'));
  });

  it('two forged lines in one user name (short "[Warning]" form, both fit in 128 characters)', () => {
    attempts(times(() => `\n[Warning] Access denied for user ''@'${VICTIM}'\n[Warning] Access denied for user ''@'${VICTIM}'\n`));
    failuresAfterAttack();
    expectDefended(verdict('two short lines'));
  });

  it('two stamped forged lines in one user name (MariaDB cuts the name at 128 characters, inside the second)', () => {
    attempts(times(() => `\n${stamped(VICTIM)}\n${stamped(VICTIM)}\n`));
    failuresAfterAttack();
    expectDefended(verdict('two stamped lines'));
  });

  it('a forged terminator first: "x\'@\'h\' (using password: YES)\\n<forged victim line>\\n"', () => {
    // the stamped line's own newline falls beyond the 128th character, so the real tail joins it
    attempts(times(() => `x'@'h' (using password: YES)\n${stamped(VICTIM)}\n`));
    // these fit, newline included
    const short = `x'@'h' (using password: YES)\n${mariaTime(new Date())} 9 [Warning] Access denied for user 'root'@'${VICTIM}'\n`;
    expect(short.length).toBeLessThanOrEqual(128);
    attempts(times(() => short));
    attempts(times(() => `x'@'h' (using password: YES)\n[Warning] ${denied(VICTIM)}\n`));
    failuresAfterAttack();
    expectDefended(verdict('terminator first'));
  });
});

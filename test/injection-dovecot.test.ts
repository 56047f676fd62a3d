import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { authPlain, IMAP_PORT, login, startDovecot, type Dovecot } from './daemons/dovecot.js';
import { createRig, REAL_CLIENT, SERVER, VICTIM, type Rig } from './daemons/rig.js';
import { bansOf, judge, matchesOf, noneFor, victimMatches, type Verdict } from './daemons/verdict.js';

// A real Dovecot 2.3 (Debian's package) over raw IMAP from 203.0.113.50: user names that imitate
// the "rip=ADDR" and "(user,ADDR,<session>)" fields, hidden behind U+2028, U+2029 or CR, or echoed
// back by "Username character disallowed", must never make logban ban or read the victim, while
// each of those attempts still counts as the real client's failed login.
const gate = rootOrSkip();
const RULES = ['dovecot'] as const;
const TIMES = 5;
const SHOW = process.env['LOGBAN_SHOW_DAEMON_LOGS'] === '1';
const fieldsThen = (sep: string) => `y>, method=PLAIN, rip=${VICTIM}, lip=${SERVER}, ${sep}`;

describe.skipIf(gate.skip)(`Dovecot log, real daemon (${gate.reason})`, () => {
  let rig: Rig;
  let dovecot: Dovecot;

  beforeAll(async () => {
    rig = createRig('dovecot');
    dovecot = await startDovecot(rig);
  }, 40_000);
  afterAll(async () => { await rig?.close(); }, 30_000);
  beforeEach(() => dovecot.clearLog());

  // Every session must be refused ("NO"), all at once; the login process logs when each ends.
  function sessions(payloads: readonly Buffer[]) {
    const answers = rig.raw(IMAP_PORT, payloads, { waitFor: 'b OK', parallel: true });
    for (const a of answers) expect(a, 'a login that should fail').toMatch(/\r\na NO /);
  }
  const times = <T>(f: () => T): T[] => Array.from({ length: TIMES }, f);

  function verdict(label: string): Verdict {
    const v = judge(dovecot.log, RULES);
    if (SHOW) console.log(`---- ${label}\n${v.explain}`);
    return v;
  }

  // The victim neither banned nor read; the attack's own sessions (failed logins by the real client) are counted.
  function expectDefended(v: Verdict) {
    expect(v.log.includes(VICTIM), `the attack did not reach the log\n${v.explain}`).toBe(true);
    expect.soft(bansOf(v, VICTIM), `victim banned\n${v.explain}`).toEqual([]);
    expect.soft(victimMatches(v), `victim read by logban test\n${v.explain}`).toEqual(noneFor(RULES));
    expect.soft(bansOf(v, REAL_CLIENT), `the real client's failed logins are not counted\n${v.explain}`).toContain('dovecot');
  }

  it('rig check: 5 wrong passwords for a real user ban the client in the dovecot jail, and nothing else is banned', () => {
    sessions(times(() => authPlain('alice', 'wrong')));
    const v = verdict('wrong password');
    expect(v.bans, v.explain).toEqual([[REAL_CLIENT, 'dovecot']]);
    expect(matchesOf(v, 'dovecot', REAL_CLIENT), v.explain).toBeGreaterThanOrEqual(TIMES);
  });

  it.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
    ['CR', '\r'],
  ])('AUTHENTICATE PLAIN, user "y>, method=PLAIN, rip=VICTIM, lip=..., <%s>", 5 times', (_name, sep) => {
    sessions(times(() => authPlain(fieldsThen(sep), 'wrong')));
    expectDefended(verdict(`separator ${_name}`));
  });

  it.each([
    ['x,VICTIM', `x,${VICTIM}`],
    ['x,VICTIM): Password mismatch ()', `x,${VICTIM}): Password mismatch ()`],
  ])('a user name Dovecot refuses (auth_username_chars) and echoes: %s, 5 times', (_name, user) => {
    sessions(times(() => authPlain(user, 'wrong')));
    expectDefended(verdict(`refused ${_name}`));
  });

  it('LOGIN with a quoted user name imitating the fields, 5 times', () => {
    sessions(times(() => login(`x,${VICTIM}): Password mismatch ()`, 'wrong')));
    expectDefended(verdict('LOGIN quoted'));
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import {
  basicAuth, encodePath, errorLogText, forgedLine, get, HTTP_RULES, NGINX_CUT_AT, NGINX_PORT, nginxTime, padding, recordOf, startNginx,
  type Forged, type Nginx,
} from './daemons/nginx.js';
import { createRig, escapeBytes, REAL_CLIENT, readText, SERVER, showLines, VICTIM, type Rig } from './daemons/rig.js';
import { bansOf, judge, matchesOf, noneFor, victimMatches, type Verdict } from './daemons/verdict.js';

// A real nginx 1.22 (Debian's package) attacked over TCP from 203.0.113.50: client text that nginx
// writes raw into error.log (a percent-decoded URI, a Basic user name) must never make logban ban
// or even read an address the client chose, and the client's own failed logins still count.
const gate = rootOrSkip();
const KINDS: readonly Forged[] = ['auth', 'limit', 'bot'];
const TIMES = 5; // maxretry
const SHOW = process.env['LOGBAN_SHOW_DAEMON_LOGS'] === '1';

describe.skipIf(gate.skip)(`nginx error.log and access.log, real daemon (${gate.reason})`, () => {
  let rig: Rig;
  let nginx: Nginx;

  beforeAll(async () => {
    rig = createRig('nginx');
    nginx = await startNginx(rig, SERVER);
  }, 30_000);
  afterAll(async () => { await rig?.close(); }, 30_000);
  beforeEach(() => nginx.clearLogs());

  const send = (requests: readonly Buffer[]) => rig.raw(NGINX_PORT, requests);
  const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
  // The real client's own failed logins, after the attack: wrong password for a real user.
  const realFailures = () => send(times(TIMES, () => basicAuth('root', 'wrong')));
  const stamp = () => nginxTime(new Date());

  function verdict(label: string): Verdict {
    const v = judge(nginx.errorLog, HTTP_RULES);
    if (SHOW) console.log(`---- ${label}\n${v.explain}`);
    return v;
  }

  // The victim is neither banned nor read by any rule; the real client's failures after the attack are banned.
  function expectDefended(v: Verdict, forged: readonly string[] = [VICTIM]) {
    expect(v.log.includes(VICTIM), `the attack did not reach the log\n${v.explain}`).toBe(true);
    for (const ip of forged) {
      expect.soft(bansOf(v, ip), `${ip} banned\n${v.explain}`).toEqual([]);
      expect.soft(ip === VICTIM ? victimMatches(v) : Object.fromEntries(HTTP_RULES.map((r) => [r, matchesOf(v, r, ip)])), `${ip} read by logban test\n${v.explain}`)
        .toEqual(ip === VICTIM ? noneFor(HTTP_RULES) : Object.fromEntries(HTTP_RULES.map((r) => [r, 0])));
    }
    expect.soft(bansOf(v, REAL_CLIENT), `the real client's failed logins after the attack are not counted\n${v.explain}`).toContain('nginx-http-auth');
  }

  it('rig check: 5 failed basic-auth logins by the client ban it in nginx-http-auth, and nothing else is banned', () => {
    realFailures();
    const v = verdict('plain failures');
    expect(v.bans, v.explain).toEqual([[REAL_CLIENT, 'nginx-http-auth']]);
    expect(matchesOf(v, 'nginx-http-auth', REAL_CLIENT), v.explain).toBe(TIMES);
  });

  it.each(KINDS)('a/b: GET /nothing%%0A<forged %s line naming the victim>%%0A, 5 times', (kind) => {
    send(times(TIMES, () => get(`/nothing${encodePath(`\n${forgedLine(kind, VICTIM, stamp())}\n`)}`)));
    realFailures();
    expectDefended(verdict(`a/b ${kind}`));
  });

  it('c: two forged lines in one URI (every pair of kinds), 5 times each', () => {
    const pairs: [Forged, Forged][] = [['auth', 'limit'], ['limit', 'bot'], ['bot', 'auth']];
    send(pairs.flatMap(([x, y]) => times(TIMES, () => get(`/nothing${encodePath(`\n${forgedLine(x, VICTIM, stamp())}\n${forgedLine(y, VICTIM, stamp())}\n`)}`))));
    realFailures();
    expectDefended(verdict('c two lines'));
  });

  it('c: a forged terminator (naming 203.0.113.9) closes the real head, then a forged victim line', () => {
    const terminator = '" failed (2: No such file or directory), client: 203.0.113.9, server: s, request: "GET /x HTTP/1.1", host: "h"';
    send(KINDS.flatMap((kind) => times(TIMES, () => get(`/x${encodePath(`${terminator}\n${forgedLine(kind, VICTIM, stamp())}\n`)}`))));
    realFailures();
    expectDefended(verdict('c terminator first'), [VICTIM, '203.0.113.9']);
  });

  it('c: a forged head just before the real tail, after a forged victim line', () => {
    send(KINDS.flatMap((kind) => times(TIMES, () => get(`/x${encodePath(`\n${forgedLine(kind, VICTIM, stamp())}\n${stamp()} [error] 1#1: *9 open() "/y`)}`))));
    realFailures();
    expectDefended(verdict('c forged head'));
  });

  // nginx cuts the record at 2048 bytes: the file name stops at byte 1998, then "..." and the
  // errno text, then as much of ", client: ADDR" as fits (", client: 203.0"), then the newline.
  it.each([
    ['newline', 'the forged line ends with its own newline at the cut, the stub on a line of its own'],
    ['joined', 'the forged line ends at the cut and the stub joins it'],
  ] as const)('d: a record truncated by nginx right after a forged victim line (%s: %s)', (placement, _why) => {
    const probeMarker = `/nothing/probe${placement}`;
    send([get(`${probeMarker}${padding(2100)}`)]);
    const probe = recordOf(errorLogText(nginx), `${nginx.root}${probeMarker}`);
    expect(probe, showLines(errorLogText(nginx))).not.toBeNull();
    // measured: a truncated record is 2048 bytes with its newline
    expect(probe!.record.length, escapeBytes(probe!.record)).toBe(2048);
    expect(probe!.record.endsWith('... (2: No such file or directory), client: 203.0\n'), escapeBytes(probe!.record)).toBe(true);

    // all attack requests on the next connection (pipelined), so they share one "*N" and one head length
    const head = probe!.head + nginx.root.length + String(probe!.conn + 1).length - String(probe!.conn).length;
    const end = placement === 'newline' ? '\n' : '';
    const lines = KINDS.map((kind) => forgedLine(kind, VICTIM, stamp()));
    const paths = lines.flatMap((line) => times(TIMES, () => {
      const tail = `\n${line}${end}`;
      return `/nothing${padding(NGINX_CUT_AT - head - '/nothing'.length - tail.length)}${tail}`;
    }));
    const requests = paths.map((p, i) => get(encodePath(p), {}, i === paths.length - 1));
    send([Buffer.concat(requests)]);
    realFailures();
    const v = verdict(`d ${placement}`);
    const logLines = v.log.split('\n');
    const stub = '... (2: No such file or directory), client: 203.0';
    for (const line of lines) {
      const planned = placement === 'newline' ? logLines.includes(line) && logLines.includes(stub) : logLines.includes(line + stub);
      expect(planned, `the cut did not land where planned\n${v.explain}`).toBe(true);
    }
    expectDefended(v);
  });

  it('e: a Basic user name carrying "\\n<forged victim line>\\n" against /private/ (nginx keeps it up to the first ":")', () => {
    send(KINDS.flatMap((kind) => times(TIMES, () => basicAuth(`x\n${forgedLine(kind, VICTIM, stamp())}\n`, 'pw'))));
    realFailures();
    const v = verdict('e basic user');
    // the user name ends at its first ":" (in the forged time), so the victim's address never reaches the log
    expect.soft(v.log.includes(VICTIM), v.explain).toBe(false);
    expect.soft(bansOf(v, VICTIM), v.explain).toEqual([]);
    expect.soft(victimMatches(v), v.explain).toEqual(noneFor(HTTP_RULES));
    expect.soft(bansOf(v, REAL_CLIENT), v.explain).toContain('nginx-http-auth');
  });

  it('e: a Basic user name with the forged line and no ":" before the victim\'s address', () => {
    // no time stamp (it holds ":"), and "client " for "client: ": what can still reach the log
    const noColon = (kind: Forged) => forgedLine(kind, VICTIM, '2026/12/03 07').replace(/: /g, ' ').replace(/^2026\/12\/03 07/, '');
    send(KINDS.flatMap((kind) => times(TIMES, () => basicAuth(`x\n${noColon(kind)}\n`, 'pw'))));
    realFailures();
    expectDefended(verdict('e basic user without colon'));
  });

  it('e: the newline user names alone are the real client\'s failed logins: counted as its, never as the victim\'s', () => {
    const noColon = (kind: Forged) => forgedLine(kind, VICTIM, '2026/12/03 07').replace(/: /g, ' ').replace(/^2026\/12\/03 07/, '');
    send(times(TIMES, () => basicAuth(`x\n${noColon('auth')}\n`, 'pw')));
    const v = verdict('e basic user records alone');
    expect(v.log.includes(VICTIM), `the attack did not reach the log\n${v.explain}`).toBe(true);
    expect.soft(bansOf(v, VICTIM), v.explain).toEqual([]);
    expect.soft(victimMatches(v), v.explain).toEqual(noneFor(HTTP_RULES));
    expect.soft(matchesOf(v, 'nginx-http-auth', REAL_CLIENT), v.explain).toBe(TIMES);
    expect.soft(bansOf(v, REAL_CLIENT), v.explain).toEqual(['nginx-http-auth']);
  });

  it('f: access.log: 5 failed logins (wrong password) are read as the client\'s, the newline user name never as the victim\'s', () => {
    realFailures();
    send(KINDS.flatMap((kind) => times(TIMES, () => basicAuth(`x\n${forgedLine(kind, VICTIM, stamp())}\n`, 'pw'))));
    send(times(TIMES, () => basicAuth(`x\n${VICTIM} - root [03/Dec/2026] "GET /private/ HTTP/1.1" 401 179 "-" "-"\n`, 'pw')));
    const v = judge(nginx.accessLog, ['nginx-http-auth']);
    console.log(`access.log as nginx wrote it:\n${showLines(readText(nginx.accessLog).replace(/\n$/, ''))}`);
    expect.soft(victimMatches(v), v.explain).toEqual(noneFor(['nginx-http-auth']));
    expect.soft(bansOf(v, VICTIM), v.explain).toEqual([]);
    // needs an access-log form of nginx-http-auth (a 401 with a $remote_user)
    expect.soft(matchesOf(v, 'nginx-http-auth', REAL_CLIENT), v.explain).toBeGreaterThanOrEqual(TIMES);
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const NOW = '2026-11-21T12:00:00Z';

// A small auth.log: noise, a PAM+password pair, an invalid-user probe, keys before an acceptance.
const AUTH_LOG = [
  'Nov 21 08:00:00 web1 sshd[612]: Server listening on 0.0.0.0 port 22.',
  'Nov 21 08:00:01 web1 sshd[700]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root',
  'Nov 21 08:00:03 web1 sshd[700]: Failed password for root from 203.0.113.7 port 51022 ssh2',
  'Nov 21 08:00:04 web1 CRON[800]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)',
  'Nov 21 08:00:05 web1 sshd[701]: Invalid user admin from 2001:DB8::5 port 51040',
  'Nov 21 08:00:06 web1 sshd[702]: Failed publickey for deploy from 192.0.2.11 port 50200 ssh2: RSA SHA256:Kq3vYw8Rt0LmZp2Xc7Nb5Jd1Hs9Fg4Ua6Ve8Wi2Oy0E',
  'Nov 21 08:00:06 web1 sshd[702]: Accepted publickey for deploy from 192.0.2.11 port 50200 ssh2: ED25519 SHA256:Tn4bQx1Lk8Pz6Wc3Ry7Me0Vd2Ha5Sj9Gu1Fo4Ki8Nlq',
  'Dec 31 23:59:59 web1 sshd[703]: Failed password for invalid user x from 198.51.100.66 port 22 ssh2 from 203.0.113.50 port 5555 ssh2',
].join('\n');

type TestJson = { lines: number; matched: number; missed: number; ignored: number; matches: { line: number; ip: string; time: string | null; pattern: number }[] };

function writeLog(text: string, name = 'auth.log'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

function json(args: string[]): TestJson {
  const r = runCli(['test', ...args, '--json', '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as TestJson;
}

describe('logban test', () => {
  it('--json: counts and one entry per failure line, 1-based line numbers, canonical IPs, ISO times, pattern index', () => {
    const out = json([writeLog(`${AUTH_LOG}\n`), 'sshd']);
    expect(Object.keys(out)).toEqual(['lines', 'matched', 'missed', 'ignored', 'matches']);
    expect(out.matches).toEqual([
      { line: 2, ip: '203.0.113.7', time: '2026-11-21T08:00:01Z', pattern: 2 },
      { line: 3, ip: '203.0.113.7', time: '2026-11-21T08:00:03Z', pattern: 0 },
      { line: 5, ip: '2001:db8::5', time: '2026-11-21T08:00:05Z', pattern: 1 },
      { line: 8, ip: '203.0.113.50', time: '2025-12-31T23:59:59Z', pattern: 0 },
    ]);
    // the publickey line settled by the Accepted line, and the Accepted line, are ignored
    expect([out.lines, out.matched, out.ignored, out.missed]).toEqual([8, 4, 2, 2]);
  });

  it('reads a .gz made by gzip the same as the plain file', () => {
    const plain = writeLog(`${AUTH_LOG}\n`);
    const gz = spawnSync('gzip', ['-k', '-9', plain]);
    expect(gz.status).toBe(0);
    expect(json([`${plain}.gz`, 'sshd'])).toEqual(json([plain, 'sshd']));
  });

  it('a last line without a newline is read too', () => {
    expect(json([writeLog(AUTH_LOG), 'sshd']).matches.at(-1)).toEqual({ line: 8, ip: '203.0.113.50', time: '2025-12-31T23:59:59Z', pattern: 0 });
  });

  it('a regex with <HOST> instead of a rule name', () => {
    const log = writeLog('2026-11-20 10:00:00 app: bad login from 203.0.113.9\n2026-11-20 10:00:01 app: good login from 192.0.2.1\n');
    const out = json([log, '^\\S+ \\S+ app: bad login from <HOST>$']);
    expect(out).toEqual({ lines: 2, matched: 1, missed: 1, ignored: 0, matches: [{ line: 1, ip: '203.0.113.9', time: '2026-11-20T10:00:00Z', pattern: 0 }] });
  });

  it('line numbers stay right across 1 MiB chunks, with the prefilter skipping most lines', () => {
    const noise = 'Nov 21 09:00:00 web1 CRON[1]: (root) CMD (run-parts /etc/cron.hourly) padding padding padding\n';
    const fail = (ip: string) => `Nov 21 09:00:01 web1 sshd[9]: Failed password for root from ${ip} port 1 ssh2\n`;
    const at = [1, 20_000, 20_001, 47_777, 60_000];
    const lines: string[] = [];
    for (let n = 1; n <= 60_000; n++) lines.push(at.includes(n) ? fail(`203.0.113.${at.indexOf(n) + 1}`) : noise);
    const out = json([writeLog(lines.join('')), 'sshd']);
    expect(out.lines).toBe(60_000);
    expect(out.matches.map((m) => [m.line, m.ip])).toEqual(at.map((n, i) => [n, `203.0.113.${i + 1}`]));
    expect(out.missed).toBe(60_000 - at.length);
  });

  it('prints what fail2ban-regex prints: counts, hits per pattern, date formats, missed lines', () => {
    const r = runCli(['test', writeLog(`${AUTH_LOG}\n`), 'sshd', '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Lines: 8 lines, 2 ignored, 4 matched, 2 missed');
    expect(r.stdout).toMatch(/\|\s+0\) \[2\] Failed \(\?:password/);
    expect(r.stdout).toMatch(/\|\s+\[6\] syslog/);
    expect(r.stdout).toContain('Attempts: 3');
    expect(r.stdout).toContain('|  1: Nov 21 08:00:00 web1 sshd[612]: Server listening on 0.0.0.0 port 22.');
    expect(r.stdout).toMatch(/\[processed in \d+\.\d\d sec\]/);
  });

  it.each([
    [['^(unclosed <HOST>'], "pattern '^(unclosed <HOST>'", 'Unterminated group'],
    [['^no host$'], '"^no host$" is neither a built-in rule', 'nor a regex with <HOST>'],
    [['^<HOST> <HOST>$'], "pattern '^<HOST> <HOST>$'", 'more than one <HOST>'],
  ])('a bad rule argument %j is exit 2 with one line', (arg, ...words) => {
    const r = runCli(['test', writeLog(`${AUTH_LOG}\n`), ...arg]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    for (const w of words) expect(r.stderr).toContain(w);
  });

  it('a missing file is exit 1 with one line naming it', () => {
    const path = join(tempDir(), 'nope.log');
    const r = runCli(['test', path, 'sshd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`logban: ${path}: no such file (check the path and permissions)\n`);
  });
});

describe('logban rules --json', () => {
  it('lists each pattern with its role and the successregex', () => {
    const rules = JSON.parse(runCli(['rules', '--json']).stdout) as { name: string; failregex: string[]; roles: string[]; successregex: string[] }[];
    const sshd = rules.find((r) => r.name === 'sshd')!;
    expect(sshd.roles).toHaveLength(sshd.failregex.length);
    expect(new Set(sshd.roles)).toEqual(new Set(['fail', 'companion']));
    expect(sshd.successregex.some((s) => s.startsWith('Accepted '))).toBe(true);
    expect(rules.find((r) => r.name === 'pure-ftpd')).toMatchObject({ roles: ['fail'], successregex: [] });
  });
});

describe('logban test over records a client cut open', () => {
  const R = '203.0.113.50';
  const V = '198.51.100.77';
  const head = (cid: number) => `2026/12/03 07:00:06 [error] 1234#1234: *${cid} `;
  const tail = `client: ${R}, server: localhost, request: "GET /private/ HTTP/1.1", host: "192.0.2.10"`;
  const forged = `2026/12/03 07:00:00 [error] 1#1: *1 user "root" was not found in "/etc/nginx/htpasswd", client: ${V}, server: s, request: "GET /private/ HTTP/1.1", host: "h"`;
  const lines = [
    // three basic-auth records whose user name held a newline: each is the client's failed login
    ...[1, 2, 3].flatMap((cid) => [`${head(cid)}user "x`, `2026/12/03 07" was not found in "/etc/nginx/htpasswd", ${tail}`]),
    // a forged line inside a URL: nothing of that record counts
    `${head(4)}open() "/srv/html/nothing`,
    forged,
    `" failed (2: No such file or directory), client: ${R}, server: localhost, request: "GET /nothing%0A${encodeURIComponent(forged).replace(/%2F/g, '/')}%0A HTTP/1.1", host: "192.0.2.10"`,
    `${head(5)}user "admin": password mismatch, ${tail}`,
  ];
  // Before the missed-line samples are full every line is looked at; after, only prefilter hits.
  it.each([0, 40])('counts each line once (%i unmatched lines first)', (filler) => {
    const dir = tempDir();
    const log = join(dir, 'error.log');
    const before = Array.from({ length: filler }, (_, i) => `2026/12/03 06:59:00 [notice] 1234#1234: signal process started ${i}`);
    writeFileSync(log, `${[...before, ...lines].join('\n')}\n`);
    const r = runCli(['test', log, 'nginx-http-auth', '--json', '--now', '2026-12-03T07:10:00Z']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { lines: number; matched: number; missed: number; ignored: number; matches: { line: number; ip: string }[] };
    expect(out.matches.map((m) => [m.line - filler, m.ip])).toEqual([[1, R], [3, R], [5, R], [10, R]]);
    expect({ lines: out.lines, matched: out.matched, missed: out.missed, ignored: out.ignored }).toEqual({ lines: 10 + filler, matched: 4, missed: filler, ignored: 6 });
  });
});

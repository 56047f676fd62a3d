// fail2ban's patterns in logban's terms: tags, Python syntax and the date fail2ban cuts from a
// line, checked by compiling the result as logban does and matching whole lines with it.
import { describe, expect, it } from 'vitest';
import { isAnchored, translateRegex } from '../../src/core/fail2ban/regex-translate.js';
import { dateRegex, formatDuration, mapDatepattern, parseActions, parseFail2banDuration } from '../../src/core/fail2ban/values.js';
import { ignoreEntry, mapActions, mapCounts, mapPorts } from '../../src/core/fail2ban/map-settings.js';
import { matchLine } from '../../src/core/match.js';
import { compileMatcher } from '../../src/rules/compile.js';
import type { Logban } from '../../src/core/fail2ban/plan.js';

const DATE = dateRegex(undefined);

// The address logban reads from `line` with the translated pattern, or null.
function reads(fail2ban: string, line: string): string | null {
  const t = translateRegex(fail2ban, 'failregex', DATE);
  if (!t.ok) throw new Error(t.error);
  const m = compileMatcher([], [t.value.source], []);
  if (!m.ok) throw new Error(m.error);
  const v = matchLine(line, m.value);
  return v.kind === 'match' ? v.ip : null;
}

describe('translateRegex: what the translated pattern reads from whole lines', () => {
  it.each([
    ['the syslog date fail2ban cut before the prefix', String.raw`^\s*(?:\S+\s+)?app\[\d+\]: bad login from <HOST>$`, 'Nov 30 10:00:00 web app[12]: bad login from 203.0.113.1', '203.0.113.1'],
    ['an ISO date (the journal\'s lines)', String.raw`^\s*(?:\S+\s+)?app\[\d+\]: bad login from <HOST>$`, '2026-11-30T10:00:00Z web app[12]: bad login from 2001:db8::1', '2001:db8::1'],
    ['nginx\'s error log date before " [error]"', String.raw`^ \[error\] \d+#\d+: \*\d+ no user/password was provided, client: <HOST>, server`, '2026/11/30 10:00:01 [error] 1#1: *1 no user/password was provided, client: 203.0.113.5, server: x', '203.0.113.5'],
    ['the access log date in the empty brackets', String.raw`^<HOST> - \S+ \[\] "GET /\.env`, '203.0.113.2 - - [30/Nov/2026:10:00:00 +0000] "GET /.env HTTP/1.1" 404 1', '203.0.113.2'],
    ['<ADDR> and a bracketed IPv6 address', String.raw`^\s*srv: refused \[?<ADDR>\]?:\d+$`, 'Nov 30 10:00:00 srv: refused [2001:db8::7]:22', '2001:db8::7'],
    ['<IP4> takes IPv4 only', String.raw`from <IP4> `, 'x from 2001:db8::1 y', null],
    ['<IP6> takes IPv6 only', String.raw`from <IP6> `, 'x from 2001:db8::1 y', '2001:db8::1'],
    ['a host name is never read', String.raw`^\s*auth failed for \S+ from <HOST>$`, 'Nov 30 10:00:00 auth failed for bob from evil.example.org', null],
    ['(?i) spelled out as both cases', String.raw`(?i)^\s*LOGIN FAILED from <HOST>$`, 'Nov 30 10:00:00 Login Failed from 203.0.113.3', '203.0.113.3'],
    ['Python\'s named group and its back-reference', String.raw`^\s*(?P<q>["'])x(?P=q) from <HOST>$`, `Nov 30 10:00:00 "x" from 203.0.113.4`, '203.0.113.4'],
    ['a class that starts with "]"', String.raw`^<HOST> - \S+ \[[^]]+\] "GET`, '203.0.113.8 - - [30/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1"', '203.0.113.8'],
    ['<F-USER> becomes logban\'s user capture', String.raw`^\s*bad password for <F-USER>\S+</F-USER> from <HOST>\Z`, 'Nov 30 10:00:00 bad password for bob from 203.0.113.9', '203.0.113.9'],
  ])('%s', (_name, fail2ban, line, want) => {
    expect(reads(fail2ban, line)).toBe(want);
  });

  it('names the user from <F-USER>', () => {
    const t = translateRegex(String.raw`for <F-USER>\S+</F-USER> from <HOST>`, 'failregex', DATE);
    expect(t.ok && t.value.source).toBe(String.raw`for (?<user>\S+) from \[?<HOST>\]?`);
  });

  it('an ignoreregex reads any address, without a capture', () => {
    const t = translateRegex(String.raw`^<HOST> .* "GET /health`, 'ignoreregex', DATE);
    expect(t.ok && new RegExp(t.value.source).test('192.0.2.1 - - [x] "GET /health HTTP/1.1"')).toBe(true);
    expect(t.ok && t.value.source.includes('<HOST>')).toBe(false);
  });

  it.each([
    ['a multi-line filter', String.raw`^<F-MLFID>x</F-MLFID> from <HOST>`, 'multi-line'],
    ['a line that is no failure', String.raw`^<F-NOFAIL>Connection from</F-NOFAIL> <HOST>`, 'no failure'],
    ['host names only', String.raw`^login from <DNS>$`, 'host names'],
    ['a Python conditional group', String.raw`^(?P<u>x)?(?(u)a|b) <HOST>`, 'conditional'],
    ['verbose mode', String.raw`(?x)^ a <HOST>`, 'JavaScript'],
  ])('cannot carry %s', (_name, fail2ban, words) => {
    const t = translateRegex(fail2ban, 'failregex', DATE);
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.error).toContain(words);
  });

  it.each([
    [String.raw`^<HOST> -.*GET .*/~.*`, true],
    [String.raw`^%(__prefix_line)sFailed password for .* from <HOST> port \d+ ssh2$`, true],
    [String.raw`Failed login from <HOST>`, false],
    [String.raw`^.*Failed login from <HOST>`, false],
  ])('isAnchored(%s) is %s', (source, want) => {
    expect(isAnchored(source)).toBe(want);
  });
});

describe('fail2ban values', () => {
  it.each([
    ['600', 600], ['10m', 600], ['1h 30m', 5400], ['1d12h', 129600], ['1w', 604800], ['-1', -1], ['2 weeks', 1209600],
    ['1mo', 2629800], ['1y', 31557600], ['48h', 172800], ['ban.Time*2', null], ['', null],
  ])('the duration %j is %j seconds', (text, want) => {
    expect(parseFail2banDuration(text)).toBe(want);
  });
  it.each([[2592000, '30d'], [600, '10m'], [90, '90s'], [604800, '1w'], [5400, '90m']])('%d seconds are written %j', (s, want) => {
    expect(formatDuration(s)).toBe(want);
  });
  it.each([
    ['{^LN-BEG}', {}],
    ['^[^\\[]*\\[({DATE})\n{^LN-BEG}', {}],
    ['^%Y/%m/%d %H:%M:%S', { names: ['nginx-error'] }],
    ['%d/%b/%Y:%H:%M:%S %z', { names: ['access-log'] }],
    ['{^LN-BEG}%ExY(?P<_sep>[-/.])%m(?P=_sep)%d[T ]%H:%M:%S(?:[.,]%f)?(?:\\s*%z)?', { names: ['iso8601'] }],
  ])('the datepattern %j', (text, want) => {
    expect(mapDatepattern(text)).toEqual(want);
  });
  it('an unknown datepattern is said', () => {
    expect(mapDatepattern('EPOCH').note).toMatch(/datepattern "EPOCH"/);
  });
  it.each([
    ['127.0.0.1/8', '127.0.0.0/8'], ['192.168.0.1/24', '192.168.0.0/24'], ['::1', '::1'], ['2001:DB8::/32', '2001:db8::/32'], ['203.0.113.7', '203.0.113.7'],
    ['monitor.example.org', null], ['10.0.0.0/33', null],
  ])('ignoreip %s is %j', (word, want) => {
    expect(ignoreEntry(word)).toBe(want);
  });
  it('reads an action list over several lines, with options', () => {
    const r = parseActions('iptables-multiport[port="http,https", protocol="tcp", chain="DOCKER-USER"]\n   sendmail-whois[dest="root@localhost"]\nabuseipdb');
    expect(r.ok && r.value.map((a) => [a.name, Object.fromEntries(a.options)])).toEqual([
      ['iptables-multiport', { port: 'http,https', protocol: 'tcp', chain: 'DOCKER-USER' }], ['sendmail-whois', { dest: 'root@localhost' }], ['abuseipdb', {}],
    ]);
  });
  it.each([
    ['iptables-multiport[port="ssh", chain="<known/chain>"]', { backend: 'iptables', allPorts: false, port: 'ssh' }, 0],
    ['iptables-ipset-proto6-allports[chain="DOCKER-USER"]', { backend: 'ipset', allPorts: true, chain: 'DOCKER-USER' }, 0],
    ['nftables[type=allports]', { backend: 'nftables', allPorts: true }, 0],
    ['ufw[application="OpenSSH"]', null, 1],
    ['iptables-allports\n  mail-whois[dest=x]\n  cloudflare', { backend: 'iptables', allPorts: true }, 2],
  ])('the action %j bans with %j, %d left out', (action, ban, left) => {
    const m = mapActions(action);
    expect(m.ban === null ? null : m.ban).toEqual(ban === null ? null : expect.objectContaining(ban));
    expect(m.leftOut).toHaveLength(left);
  });
  const logban = { lookupPort: (n: string) => ({ ssh: 22, http: 80, https: 443 } as Record<string, number>)[n] ?? null } as unknown as Logban;
  it.each([
    ['http, https', ['http', 'https'], 0], ['0:65535', null, 0], ['1-65535', null, 0], ['2222,8000:8100', ['2222', '8000:8100'], 0], ['ssh,nosuchservice', ['ssh'], 1],
  ])('the port %j is %j', (port, want, left) => {
    const m = mapPorts(port, logban);
    expect(m.list?.map((i) => i.text) ?? null).toEqual(want);
    expect(m.leftOut).toHaveLength(left);
  });
  it('bantime.increment: doubling bans (fail2ban\'s formula) up to bantime.maxtime', () => {
    const m = mapCounts(new Map([['bantime', '1h'], ['bantime.increment', 'true'], ['bantime.maxtime', '5w']]), null);
    expect(m.entries.map((e) => [e.key, e.value])).toEqual([['bantime', '1h'], ['bantime_factor', 2], ['maxbantime', '5w']]);
    expect(m.leftOut).toEqual([]);
  });
  it('bantime.multipliers: a geometric series is its factor, the last one the cap; others are said', () => {
    const geo = mapCounts(new Map([['bantime', '10m'], ['bantime.increment', 'true'], ['bantime.multipliers', '1 3 9 27']]), null);
    expect(geo.entries.map((e) => [e.key, e.value])).toEqual([['bantime', '10m'], ['bantime_factor', 3], ['maxbantime', '270m']]);
    const other = mapCounts(new Map([['bantime', '10m'], ['bantime.increment', 'true'], ['bantime.multipliers', '1 5 30 60'], ['bantime.rndtime', '30m']]), null);
    expect(other.leftOut).toHaveLength(2);
  });
});

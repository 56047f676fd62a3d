import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { makeSandbox, sshdFailure } from '../helpers/cli.js';

const CONFIG = `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"
ignoreip = ["127.0.0.0/8", "::1", "192.0.2.0/28"]

[firewall]
backend = "none"

[jails.sshd]
logpath = ["$DIR/auth.log"]
rules = ["sshd"]
`;
const NOW = '2026-11-21T09:45:00Z';
const fail = sshdFailure;
const noise = (time: string) => `Nov 21 ${time} web1 CRON[99]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n`;

describe('logban scan, end to end on files', () => {
  it('reads only the new bytes on the second run', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + noise('09:40:01'));
    const first = sb.json(NOW);
    expect(first.files).toEqual([{ path: sb.path('auth.log'), startOffset: 0, endOffset: first.files[0]!.endOffset, linesRead: 2, rotated: [] }]);
    const size = readFileSync(sb.path('auth.log')).length;
    expect(first.files[0]!.endOffset).toBe(size);
    sb.append('auth.log', noise('09:41:00'));
    const second = sb.json(NOW);
    expect(second.files[0]).toMatchObject({ startOffset: size, linesRead: 1 });
  });

  it('bans when two failures in one run and one in the next fall inside one window', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + fail('09:41:00', '203.0.113.9'));
    expect(sb.json('2026-11-21T09:41:30Z').newBans).toEqual([]);
    sb.append('auth.log', fail('09:42:00', '203.0.113.9'));
    const r = sb.json('2026-11-21T09:43:00Z');
    expect(r.newBans).toEqual([{
      ip: '203.0.113.9', jail: 'sshd', failures: 3, firstSeen: '2026-11-21T09:40:00Z', lastSeen: '2026-11-21T09:42:00Z',
      expiresAt: '2026-11-21T10:43:00Z', evidence: [fail('09:40:00', '203.0.113.9').trim(), fail('09:41:00', '203.0.113.9').trim(), fail('09:42:00', '203.0.113.9').trim()],
    }]);
    expect(r.activeBans).toBe(1);
    expect(r.commands).toEqual([
      ['iptables', '-w', '-N', 'logban-sshd'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-j', 'logban-sshd'],
      ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP'],
    ]);
  });

  it('does not ban failures spread wider than findtime across runs', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:00:00', '203.0.113.9') + fail('09:05:00', '203.0.113.9'));
    sb.json('2026-11-21T09:06:00Z');
    sb.append('auth.log', fail('09:20:00', '203.0.113.9'));
    expect(sb.json('2026-11-21T09:21:00Z').newBans).toEqual([]);
  });

  it('counts a line completed after a run exactly once', () => {
    const sb = makeSandbox(CONFIG);
    const line = fail('09:40:00', '203.0.113.9');
    sb.append('auth.log', fail('09:39:00', '203.0.113.9') + line.slice(0, 40));
    const first = sb.json(NOW);
    expect(first.files[0]).toMatchObject({ linesRead: 1, endOffset: line.length });
    sb.append('auth.log', line.slice(40));
    expect(sb.json(NOW).newBans).toEqual([]);
    sb.append('auth.log', fail('09:41:00', '203.0.113.9'));
    const third = sb.json(NOW);
    expect(third.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.9', 3]]);
  });

  it('a dry run writes nothing, runs nothing and leaves the lines for the next run', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + fail('09:40:10', '203.0.113.9') + fail('09:40:20', '203.0.113.9'));
    const dry = sb.json(NOW, '--dry-run');
    expect(dry.dryRun).toBe(true);
    expect(dry.newBans.map((b) => b.ip)).toEqual(['203.0.113.9']);
    expect(dry.commands).toContainEqual(['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP']);
    expect(existsSync(sb.stateDir)).toBe(false);
    const real = sb.json(NOW);
    expect(real.files[0]!.startOffset).toBe(0);
    expect(real.newBans.map((b) => b.ip)).toEqual(['203.0.113.9']);
  });

  it('prints nothing when there is nothing new, and the report when there is', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', noise('09:40:00'));
    expect(sb.scan(NOW)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(sb.scan(NOW)).toEqual({ code: 0, stdout: '', stderr: '' });
    sb.append('auth.log', fail('09:41:00', '203.0.113.9') + fail('09:41:10', '203.0.113.9') + fail('09:41:20', '203.0.113.9'));
    const r = sb.scan(NOW);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`logban on ${hostname()}: 1 IP banned, 0 unbanned`);
    expect(r.stdout).toContain('203.0.113.9  jail sshd  3 failures');
    expect(r.stdout).toContain(fail('09:41:20', '203.0.113.9').trim());
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(sb.scan(NOW).stdout).toBe('');
  });

  it('bans the host sshd appended, never an IP hidden in the user name', () => {
    const sb = makeSandbox(CONFIG);
    const inject = (t: string) => `Nov 21 ${t} web1 sshd[77]: Failed password for invalid user root from 198.51.100.66 port 22 ssh2 from 203.0.113.50 port 5555 ssh2\n`;
    sb.append('auth.log', inject('09:40:00') + inject('09:40:05') + inject('09:40:10') + inject('09:40:15'));
    const r = sb.json(NOW);
    expect(r.newBans.map((b) => b.ip)).toEqual(['203.0.113.50']);
    expect(JSON.stringify(r.commands)).not.toContain('198.51.100.66');
  });

  it('never bans ignoreip or loopback', () => {
    const sb = makeSandbox(CONFIG);
    for (const ip of ['192.0.2.5', '127.0.0.1', '::1']) {
      sb.append('auth.log', fail('09:40:00', ip) + fail('09:40:01', ip) + fail('09:40:02', ip) + fail('09:40:03', ip));
    }
    sb.append('auth.log', fail('09:40:00', '192.0.2.20') + fail('09:40:01', '192.0.2.20') + fail('09:40:02', '192.0.2.20'));
    expect(sb.json(NOW).newBans.map((b) => b.ip)).toEqual(['192.0.2.20']);
  });

  it('bans IPv6 through ip6tables, in canonical form: its /64 by default, the address with ipv6_prefix = 128', () => {
    const ip = '2001:DB8:0:0:0:0:0:BAD';
    const lines = fail('09:40:00', ip) + fail('09:40:01', ip) + fail('09:40:02', ip);
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', lines);
    const r = sb.json(NOW);
    expect(r.newBans.map((b) => [b.ip, b.addresses])).toEqual([['2001:db8::/64', ['2001:db8::bad']]]);
    expect(r.commands).toContainEqual(['ip6tables', '-w', '-A', 'logban-sshd', '-s', '2001:db8::/64', '-j', 'DROP']);
    expect(r.commands.some((c) => c[0] === 'iptables')).toBe(false);
    const single = makeSandbox(CONFIG.replace('[defaults]', '[defaults]\nipv6_prefix = 128'));
    single.append('auth.log', lines);
    const s = single.json(NOW);
    expect(s.newBans.map((b) => [b.ip, b.addresses])).toEqual([['2001:db8::bad', undefined]]);
    expect(s.commands).toContainEqual(['ip6tables', '-w', '-A', 'logban-sshd', '-s', '2001:db8::bad', '-j', 'DROP']);
  });

  it('lifts a ban when it expires', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + fail('09:40:01', '203.0.113.9') + fail('09:40:02', '203.0.113.9'));
    sb.json(NOW);
    const later = sb.json('2026-11-21T11:00:00Z');
    expect(later.unbans).toEqual([{ ip: '203.0.113.9', jail: 'sshd', reason: 'expired' }]);
    expect(later.activeBans).toBe(0);
    expect(later.commands).toEqual([['iptables', '-w', '-D', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP']]);
    expect(sb.json('2026-11-21T11:05:00Z').unbans).toEqual([]);
  });

  it('after a reboot (a new kernel boot id) the first run puts the bans back, once', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + fail('09:40:01', '203.0.113.9') + fail('09:40:02', '203.0.113.9'));
    sb.json(NOW);
    const path = `${sb.stateDir}/state.json`;
    const state = JSON.parse(readFileSync(path, 'utf8'));
    expect(state.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    writeFileSync(path, JSON.stringify({ ...state, bootId: 'an-earlier-boot' }));
    const r = sb.json(NOW);
    expect(r.newBans).toEqual([]);
    expect(r.commands).toContainEqual(['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP']);
    expect(sb.json(NOW).commands).toEqual([]);
  });

  it('replaying an old log bans only what would still be in force at --now', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('06:00:00', '203.0.113.1') + fail('06:00:01', '203.0.113.1') + fail('06:00:02', '203.0.113.1'));
    sb.append('auth.log', fail('09:00:00', '203.0.113.2') + fail('09:00:01', '203.0.113.2') + fail('09:00:02', '203.0.113.2'));
    const r = sb.json(NOW);
    expect(r.newBans.map((b) => [b.ip, b.expiresAt])).toEqual([['203.0.113.2', '2026-11-21T10:00:02Z']]);
  });

  it('--max-bans defers the rest to the next run', () => {
    const sb = makeSandbox(CONFIG);
    for (const ip of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      sb.append('auth.log', fail('09:40:00', ip) + fail('09:40:01', ip) + fail('09:40:02', ip));
    }
    expect(sb.json(NOW, '--max-bans', '2').newBans).toHaveLength(2);
    expect(sb.json(NOW, '--max-bans', '2').newBans).toHaveLength(1);
  });
});

describe('state file', () => {
  it('is written with mode 0600 and holds offsets, windows and bans', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9'));
    sb.json(NOW);
    const path = `${sb.stateDir}/state.json`;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(path, 'utf8'));
    expect(Object.keys(state.files)).toEqual([sb.path('auth.log')]);
    expect(state.windows.sshd['203.0.113.9'].times).toHaveLength(1);
  });

  it.each([
    ['corrupt JSON', '{"version": 1, "files": {\n  "x": '],
    ['wrong shape', '{"version": 1, "files": [], "windows": {}, "bans": []}'],
    ['an empty file', ''],
  ])('%s: exit 1 naming the file, and the file is left as it was', (_name, content) => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9'));
    sb.json(NOW);
    writeFileSync(`${sb.stateDir}/state.json`, content);
    const r = sb.scan(NOW);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${sb.stateDir}/state.json`);
    expect(readFileSync(`${sb.stateDir}/state.json`, 'utf8')).toBe(content);
  });

  it('corrupt JSON is reported with its line', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', '');
    mkdirSync(sb.stateDir);
    writeFileSync(`${sb.stateDir}/state.json`, '{\n "version": 1,\n "files": {,\n}');
    expect(sb.scan(NOW).stderr).toContain(`${sb.stateDir}/state.json:3:`);
  });
});

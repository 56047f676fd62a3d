import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, rootOrSkip, runCli, type ScanJson } from './helpers/cli.js';
import { countLine, createNetnsPool, createPair, IP_BIN, nsExec, probe, saveRules, scanIn, startServer, type Pair } from './helpers/netns.js';
import { savedText } from './helpers/saved-state.js';

// Real iptables/ip6tables in throw-away network namespaces: what logban leaves in the kernel, not what it says.
const gate = rootOrSkip();

const CONFIG = `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"
# these tests read back single-address rules (ip6tables prints them as /128)
ipv6_prefix = 128

[firewall]
backend = "iptables"

[jails.sshd]
logpath = ["$DIR/auth.log"]
rules = ["sshd"]
`;

const NOW = '2026-11-21T09:45:00Z';
const JUMP = '-A INPUT -j logban-sshd';
const drop = (ip: string) => `-A logban-sshd -s ${ip} -j DROP`;
const addArgv = (ip: string, bin = 'iptables') => [bin, '-w', '-A', 'logban-sshd', '-s', ip, '-j', 'DROP'];

// One sshd failure line; `at` is "HH:MM:SS" on Nov 21 (the year is inferred from --now).
function failure(ip: string, at: string): string {
  return `Nov 21 ${at} web1 sshd[1234]: Failed password for root from ${ip} port 5555 ssh2\n`;
}

function failures(ip: string, times: readonly string[]): string {
  return times.map((t) => failure(ip, t)).join('');
}

const pool = createNetnsPool();
const sandboxes: string[] = [];

function sandbox() {
  const sb = makeSandbox(CONFIG);
  sandboxes.push(sb.dir);
  return sb;
}

// `scan --json` inside the namespace; a non-zero exit fails the test with logban's stderr.
function scanJson(ns: string, sb: ReturnType<typeof sandbox>, now: string): ScanJson {
  const r = scanIn(ns, sb, now, ['--json']);
  if (r.code !== 0) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScanJson;
}

function logbanLines(lines: readonly string[]): string[] {
  return lines.filter((l) => l.includes('logban'));
}

afterAll(() => {
  pool.cleanup();
  for (const dir of sandboxes) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(gate.skip)('iptables in network namespaces (' + gate.reason + ')', () => {
  it('bans an IPv4 attacker with one DROP rule and one jump from INPUT', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));

    const out = scanJson(ns, sb, NOW);

    expect(out.newBans.map((b) => b.ip)).toEqual(['203.0.113.50']);
    expect(out.commands).toContainEqual(addArgv('203.0.113.50'));
    const rules = saveRules(ns, 4);
    expect(countLine(rules, drop('203.0.113.50/32'))).toBe(1);
    expect(countLine(rules, JUMP)).toBe(1);
    expect(countLine(rules, ':logban-sshd - [0:0]')).toBe(1);
  }, 30_000);

  it('adds a second attacker without duplicating, and a rerun with nothing new changes nothing', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));
    scanJson(ns, sb, NOW);

    sb.append('auth.log', failures('198.51.100.20', ['09:46:01', '09:46:02', '09:46:03']));
    const second = scanJson(ns, sb, '2026-11-21T09:50:00Z');

    expect(second.newBans.map((b) => b.ip)).toEqual(['198.51.100.20']);
    expect(second.commands).toEqual([addArgv('198.51.100.20')]);
    const rules = saveRules(ns, 4);
    expect(countLine(rules, drop('203.0.113.50/32'))).toBe(1);
    expect(countLine(rules, drop('198.51.100.20/32'))).toBe(1);
    expect(countLine(rules, JUMP)).toBe(1);
    expect(logbanLines(rules)).toHaveLength(4); // chain, jump, two bans

    const third = scanJson(ns, sb, '2026-11-21T09:51:00Z');
    expect(third.commands).toEqual([]);
    expect(third.newBans).toEqual([]);
    expect(third.unbans).toEqual([]);
    expect(third.activeBans).toBe(2);
    expect(saveRules(ns, 4)).toEqual(rules);

    // Without --json, a run with no news prints nothing (cron mails nothing).
    const quiet = scanIn(ns, sb, '2026-11-21T09:52:00Z');
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(saveRules(ns, 4)).toEqual(rules);
  }, 30_000);

  it('bans an IPv6 attacker in ip6tables only, in canonical form', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('2001:DB8:0:0:0:0:0:BAD', ['09:41:02', '09:41:05', '09:41:09']));

    const out = scanJson(ns, sb, NOW);

    expect(out.newBans.map((b) => b.ip)).toEqual(['2001:db8::bad']);
    expect(out.commands).toContainEqual(addArgv('2001:db8::bad', 'ip6tables'));
    expect(out.commands.every((argv) => argv[0] === 'ip6tables')).toBe(true);
    const v6 = saveRules(ns, 6);
    expect(countLine(v6, drop('2001:db8::bad/128'))).toBe(1);
    expect(countLine(v6, JUMP)).toBe(1);
    const v4 = saveRules(ns, 4);
    expect(v4.filter((l) => /2001:db8/i.test(l))).toEqual([]);
    expect(logbanLines(v4)).toEqual([]);

    // A second IPv6 attacker: the first rule, read back from `ip6tables -S` as /128, is not added again.
    sb.append('auth.log', failures('2001:db8:0::CAFE', ['09:46:01', '09:46:02', '09:46:03']));
    const second = scanJson(ns, sb, '2026-11-21T09:50:00Z');
    expect(second.newBans.map((b) => b.ip)).toEqual(['2001:db8::cafe']);
    expect(second.commands).toEqual([addArgv('2001:db8::cafe', 'ip6tables')]);
    const v6After = saveRules(ns, 6);
    expect(countLine(v6After, drop('2001:db8::bad/128'))).toBe(1);
    expect(countLine(v6After, drop('2001:db8::cafe/128'))).toBe(1);
    expect(countLine(v6After, JUMP)).toBe(1);
  }, 30_000);

  it('heals a flushed firewall (what a reboot leaves) on the next run that bans', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));
    sb.append('auth.log', failures('198.51.100.77', ['09:42:00', '09:42:30'])); // two: pending, not banned
    const first = scanJson(ns, sb, NOW);
    expect(first.newBans.map((b) => b.ip)).toEqual(['203.0.113.50']);
    expect(countLine(saveRules(ns, 4), drop('203.0.113.50/32'))).toBe(1);

    nsExec(ns, ['iptables', '-w', '-F']);
    nsExec(ns, ['iptables', '-w', '-X']);
    expect(logbanLines(saveRules(ns, 4))).toEqual([]);

    sb.append('auth.log', failure('198.51.100.77', '09:46:00')); // the third failure of a new attacker
    const healed = scanJson(ns, sb, '2026-11-21T09:47:00Z');

    expect(healed.newBans.map((b) => b.ip)).toEqual(['198.51.100.77']);
    expect(healed.activeBans).toBe(2);
    expect(healed.commands).toContainEqual(addArgv('203.0.113.50'));
    expect(healed.commands).toContainEqual(addArgv('198.51.100.77'));
    const rules = saveRules(ns, 4);
    expect(countLine(rules, drop('203.0.113.50/32'))).toBe(1);
    expect(countLine(rules, drop('198.51.100.77/32'))).toBe(1);
    expect(countLine(rules, JUMP)).toBe(1);
    expect(countLine(rules, ':logban-sshd - [0:0]')).toBe(1);
  }, 30_000);

  it('restore puts the saved bans back after a flush, and a second restore adds nothing', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));
    sb.append('auth.log', failures('2001:db8::bad', ['09:41:02', '09:41:05', '09:41:09']));
    scanJson(ns, sb, NOW);
    const before4 = saveRules(ns, 4);
    const before6 = saveRules(ns, 6);
    for (const bin of ['iptables', 'ip6tables']) {
      nsExec(ns, [bin, '-w', '-F']);
      nsExec(ns, [bin, '-w', '-X']);
    }
    expect(logbanLines(saveRules(ns, 4))).toEqual([]);
    const restore = () => runCli(['restore', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { prefix: [IP_BIN, 'netns', 'exec', ns] });
    const first = restore();
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).commands).toContainEqual(addArgv('203.0.113.50'));
    expect(saveRules(ns, 4)).toEqual(before4);
    expect(saveRules(ns, 6)).toEqual(before6);
    const second = restore();
    expect(JSON.parse(second.stdout)).toEqual({ activeBans: 2, commands: [], unbans: [] });
    expect(saveRules(ns, 4)).toEqual(before4);
    expect(saveRules(ns, 6)).toEqual(before6);
  }, 30_000);

  describe('a ban really stops packets', () => {
    const PORT = 2222;
    let pair: Pair | undefined;

    beforeAll(async () => {
      pair = createPair(pool);
      await startServer(pool, pair.victim, [PORT]);
    }, 30_000);

    it('connects before the ban and times out after logban bans 192.0.2.2', () => {
      const { victim, attacker, victim4, attacker4 } = pair!;
      expect(attacker4).toBe('192.0.2.2');
      expect(probe(attacker, victim4, PORT)).toBe('ok');

      const sb = sandbox();
      sb.append('auth.log', failures(attacker4, ['09:41:02', '09:41:05', '09:41:09']));
      const out = scanJson(victim, sb, NOW);
      expect(out.newBans.map((b) => b.ip)).toEqual([attacker4]);
      expect(countLine(saveRules(victim, 4), drop(`${attacker4}/32`))).toBe(1);

      expect(probe(attacker, victim4, PORT)).toBe('timeout');
    }, 30_000);
  });

  it('lifts an expired ban and removes its rule', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));
    const banned = scanJson(ns, sb, NOW);
    expect(banned.newBans.map((b) => b.ip)).toEqual(['203.0.113.50']);
    expect(countLine(saveRules(ns, 4), drop('203.0.113.50/32'))).toBe(1);

    const later = scanJson(ns, sb, '2026-11-21T11:45:00Z');

    expect(later.unbans).toEqual([{ ip: '203.0.113.50', jail: 'sshd', reason: 'expired' }]);
    expect(later.newBans).toEqual([]);
    expect(later.activeBans).toBe(0);
    expect(later.commands).toEqual([['iptables', '-w', '-D', 'logban-sshd', '-s', '203.0.113.50', '-j', 'DROP']]);
    const rules = saveRules(ns, 4);
    expect(rules.filter((l) => l.includes('203.0.113.50'))).toEqual([]);
  }, 30_000);

  it('fails with one line naming iptables when it is missing, and does not record the ban', () => {
    const ns = pool.add();
    const sb = sandbox();
    sb.append('auth.log', failures('203.0.113.50', ['09:41:02', '09:41:05', '09:41:09']));

    const failed = scanIn(ns, sb, NOW, [], { PATH: '/nonexistent' });

    expect(failed.code).toBe(1);
    const lines = failed.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/iptables/);
    expect(savedText(sb.stateDir) ?? '').not.toContain('203.0.113.50');
    expect(logbanLines(saveRules(ns, 4))).toEqual([]);

    const retried = scanJson(ns, sb, '2026-11-21T09:46:00Z');
    expect(retried.newBans.map((b) => b.ip)).toEqual(['203.0.113.50']);
    expect(countLine(saveRules(ns, 4), drop('203.0.113.50/32'))).toBe(1);
  }, 30_000);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SET_CAPACITY } from '../../src/core/jail-capacity.js';
import { manyIpv6, writeBigState, yieldToVitest } from '../helpers/big-state.js';
import { makeSandbox, rootOrSkip, runCli } from '../helpers/cli.js';
import { createNetnsPool, nsExec, scanIn } from '../helpers/netns.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { threeFailures } from '../helpers/victim.js';

const NOW = '2026-11-21T09:45:00Z';
const ATTACKER = '2001:db8:ffff::7';
// Counted per address, as the big state's bans are.
const configFor = (backend: string) => sshdJailConfig({ bantime: 'permanent' }).replace('backend = "none"', `backend = "${backend}"`).replace('[defaults]', '[defaults]\nipv6_prefix = 128');

function sandboxWith(backend: string, bans: number) {
  const sb = makeSandbox(configFor(backend));
  writeBigState(sb.stateDir, [{ jail: 'sshd', count: bans }]);
  sb.append('auth.log', threeFailures(ATTACKER));
  const status = (...extra: string[]) => runCli(['status', ...extra, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
  return { ...sb, status };
}

// A scan that is not a dry run applies its backend: it runs in a network namespace of its own,
// never against this machine's firewall.
const gate = rootOrSkip();
const pool = createNetnsPool();
afterAll(() => pool.cleanup());

describe('big jails', () => {
  it.skipIf(gate.skip)('iptables: the 1,001st ban of a jail brings one warning line naming ipset and nftables, in the report and in status', () => {
    const sb = sandboxWith('iptables', 1000);
    expect(JSON.parse(sb.status('--json').stdout)).not.toHaveProperty('warnings');
    expect(sb.status().stdout).not.toContain('warning');
    const r = sb.scan(NOW, '--dry-run');
    expect(r.code).toBe(0);
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toEqual([
      'warning: jail sshd: 1,001 IPv6 bans on backend = "iptables", one rule per ban that every packet walks; above 1,000 use backend = "ipset" or "nftables", where a ban is one hash lookup',
    ]);
    const ns = pool.add();
    expect(scanIn(ns, sb, NOW).code).toBe(0);
    expect(nsExec(ns, ['ip6tables', '-w', '-S', 'logban-sshd']).stdout.split('\n').filter((l) => l.endsWith('-j DROP'))).toHaveLength(1001);
    const status = JSON.parse(sb.status('--json').stdout) as { bans: unknown[]; warnings: string[] };
    expect(status.bans).toHaveLength(1001);
    expect(status.warnings).toEqual([warnings[0]!.slice('warning: '.length)]);
    expect(sb.status().stdout.split('\n').filter((l) => l.includes('warning:'))).toEqual([`  ${warnings[0]}`]);
  });

  it.skipIf(gate.skip)('ipset: a jail holding 262,144 bans of a family bans no more; the scan says so in one line and keeps the failures', async () => {
    const sb = sandboxWith('ipset', SET_CAPACITY);
    const r = sb.scan(NOW, '--dry-run', '--json');
    await yieldToVitest();
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { newBans: unknown[]; activeBans: number; notes: { level: string; text: string }[] };
    expect(json.newBans).toEqual([]);
    expect(json.activeBans).toBe(SET_CAPACITY);
    expect(json.notes.filter((n) => n.level === 'warning').map((n) => n.text)).toEqual([
      'jail sshd: 1 IP(s) over the threshold not banned: its IPv6 set is full (262,144 bans, the most one jail holds per address family with backend = "ipset"); shorten bantime or split the jail',
    ]);
    // The text report (what cron mails) carries the same line; the attacker's failures wait for room.
    const text = scanIn(pool.add(), sb, NOW);
    await yieldToVitest();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^logban on .*: 0 IPs banned, 0 unbanned, 1 warning\n/);
    expect(text.stdout).toContain('warning: jail sshd: 1 IP(s) over the threshold not banned: its IPv6 set is full (262,144 bans');
    const state = JSON.parse(readFileSync(join(sb.stateDir, 'state.json'), 'utf8')) as { windows: Record<string, Record<string, unknown>> };
    expect(Object.keys(state.windows['sshd'] ?? {})).toEqual([ATTACKER]);
    expect(sb.status().stdout.split('\n')[1]).toBe(
      '  warning: jail sshd is full: 262,144 IPv6 bans, the 262,144 one jail holds per address family with backend = "ipset"; new bans there wait for room: shorten bantime or split the jail');
  }, 60_000);

  it('the limit is per family: an IPv4 attacker is still banned next to a full IPv6 set', () => {
    const sb = sandboxWith('nftables', SET_CAPACITY);
    sb.append('auth.log', threeFailures('203.0.113.7'));
    const json = sb.json(NOW, '--dry-run');
    expect(json.newBans.map((b) => b.ip)).toEqual(['203.0.113.7']);
    expect(json.notes.filter((n) => n.level === 'warning').map((n) => n.text)).toEqual([
      expect.stringMatching(/^jail sshd: 1 IP\(s\) over the threshold not banned: its IPv6 set is full .*backend = "nftables"/),
      expect.stringMatching(/^jail sshd is full: 262,144 IPv6 bans/),
    ]);
    expect(json.newBans.map((b) => b.ip)).not.toContain(manyIpv6(0));
  }, 60_000);
});

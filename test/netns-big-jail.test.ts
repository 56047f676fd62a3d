import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SET_CAPACITY } from '../src/core/jail-capacity.js';
import { manyIpv6, writeBigState, yieldToVitest } from './helpers/big-state.js';
import { rootOrSkip, sshdFailure } from './helpers/cli.js';
import { cliIn, IP_BIN, nsExec, probe, scanIn } from './helpers/netns.js';
import { firewallConfig, NOW, restoreVictim, SSH_PORT, threeFailures, useVictim, WEB_PORT, type Sandbox } from './helpers/victim.js';

// Jails with many bans, on the real tools: ipset and nftables sets hold 262,144 per jail and family
// and say so when full; an iptables jail past 1,000 bans warns. Filled through a state file written
// directly, then applied by logban in one batch.
const gate = rootOrSkip();
const PERMANENT = { sshd: 'bantime = "permanent"' };
const WAITING = '2001:db8:ffff::7';

// The header of `ipset list -t`: maxelem and the number of entries.
function setHeader(ns: string, name: string): { maxelem: number; entries: number } {
  const text = nsExec(ns, ['ipset', 'list', '-t', name]).stdout;
  return { maxelem: Number(/maxelem (\d+)/.exec(text)?.[1]), entries: Number(/Number of entries: (\d+)/.exec(text)?.[1]) };
}

// An nft ban set's size (null: none) and how many elements it holds (the listing of a full set is ~20 MB).
function banSet(ns: string, name: string): { size: number | null; elements: number } {
  const r = spawnSync(IP_BIN, ['netns', 'exec', ns, 'nft', '-j', 'list', 'set', 'inet', 'logban', name], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`nft list set ${name}: ${r.stderr || r.error?.message}`);
  const set = (JSON.parse(r.stdout) as { nftables: { set?: { size?: number; elem?: unknown[] } }[] }).nftables.find((i) => i.set)!.set!;
  return { size: set.size ?? null, elements: set.elem?.length ?? 0 };
}

const warningsOf = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('warning:'));

function run(ns: string, sb: Sandbox, args: readonly string[], now = NOW) {
  return cliIn(ns, sb, args, now);
}

describe.skipIf(gate.skip)(`big jails on real firewalls (${gate.reason})`, () => {
  const v = useVictim();

  it('ipset: a jail filled to 262,144 IPv6 bans drops them all; the 262,145th is refused in one line', async () => {
    const { victim, attacker, victim6, attacker6 } = v.pair();
    const sb = v.sandbox(firewallConfig('ipset', PERMANENT));
    writeBigState(sb.stateDir, [{ jail: 'sshd', count: SET_CAPACITY - 1 }]);
    sb.append('auth.log', threeFailures(attacker6));
    expect(probe(attacker, victim6, SSH_PORT)).toBe('ok');

    const filled = scanIn(victim, sb, NOW);
    await yieldToVitest();
    expect(filled.code).toBe(0);
    expect(filled.stdout).toContain(`  ${attacker6}  jail sshd`);
    expect(setHeader(victim, 'logban-sshd-v6')).toEqual({ maxelem: SET_CAPACITY, entries: SET_CAPACITY });
    expect([probe(attacker, victim6, SSH_PORT), probe(attacker, victim6, WEB_PORT)]).toEqual(['timeout', 'ok']);

    sb.append('auth.log', ['09:45:10', '09:45:11', '09:45:12'].map((t) => sshdFailure(t, WAITING)).join(''));
    const full = scanIn(victim, sb, '2026-11-21T09:46:00Z');
    await yieldToVitest();
    expect(full.code).toBe(0);
    expect(warningsOf(full.stdout)).toEqual([
      'warning: jail sshd: 1 IP(s) over the threshold not banned: its IPv6 set is full (262,144 bans, the most one jail holds per address family with backend = "ipset"); shorten bantime or split the jail',
    ]);
    const byHand = run(victim, sb, ['ban', '2001:db8:ffff::8', '--jail', 'sshd'], '2026-11-21T09:46:00Z');
    expect(byHand.code).toBe(1);
    expect(byHand.stderr.trim().split('\n')).toEqual([
      'logban: 2001:db8:ffff::8 not banned: jail sshd is full (262,144 IPv6 bans, the most one jail holds per address family with backend = "ipset"); shorten bantime, split the jail or unban some',
    ]);
    // The bans already made still hold, in the kernel and for real packets.
    expect(setHeader(victim, 'logban-sshd-v6').entries).toBe(SET_CAPACITY);
    expect(probe(attacker, victim6, SSH_PORT)).toBe('timeout');
  }, 180_000);

  it('ipset: a set made with a smaller maxelem is regrown to 262,144 with its bans, swapped under the rule that matches it', () => {
    const { victim, attacker, victim4, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig('ipset'));
    expect(run(victim, sb, ['ban', attacker4]).code).toBe(0);
    // What a set made by hand or by another tool looks like: ipset's default maxelem, referenced by the rule.
    nsExec(victim, ['iptables', '-w', '-F', 'logban-manual']);
    nsExec(victim, ['ipset', 'destroy', 'logban-manual-v4']);
    nsExec(victim, ['ipset', 'create', 'logban-manual-v4', 'hash:ip', 'family', 'inet', 'timeout', '0', 'maxelem', '65536']);
    nsExec(victim, ['ipset', 'add', 'logban-manual-v4', attacker4, 'timeout', '0']);
    nsExec(victim, ['iptables', '-w', '-A', 'logban-manual', '-m', 'set', '--match-set', 'logban-manual-v4', 'src', '-j', 'DROP']);
    expect(setHeader(victim, 'logban-manual-v4')).toEqual({ maxelem: 65536, entries: 1 });

    const restored = restoreVictim(victim, sb);
    expect(restored.commands).toContainEqual(['ipset', 'swap', 'logban_regrow-v4', 'logban-manual-v4']);
    expect(setHeader(victim, 'logban-manual-v4')).toEqual({ maxelem: SET_CAPACITY, entries: 1 });
    expect(nsExec(victim, ['ipset', 'list', '-n']).stdout).not.toContain('logban_regrow');
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
    expect(restoreVictim(victim, sb).commands).toEqual([]);
  }, 60_000);

  it('iptables: the 1,001st ban of a jail is made, and the report and status warn once, naming ipset and nftables', () => {
    const { victim, attacker, victim6, attacker6 } = v.pair();
    const sb = v.sandbox(firewallConfig('iptables', PERMANENT));
    writeBigState(sb.stateDir, [{ jail: 'sshd', count: 1000 }]);
    sb.append('auth.log', threeFailures(attacker6));
    expect(run(victim, sb, ['status']).stdout).not.toContain('warning');

    const r = scanIn(victim, sb, NOW);
    expect(r.code).toBe(0);
    const line = 'jail sshd: 1,001 IPv6 bans on backend = "iptables", one rule per ban that every packet walks; above 1,000 use backend = "ipset" or "nftables", where a ban is one hash lookup';
    expect(warningsOf(r.stdout)).toEqual([`warning: ${line}`]);
    expect(nsExec(victim, ['ip6tables', '-w', '-S', 'logban-sshd']).stdout.split('\n').filter((l) => l.endsWith('-j DROP'))).toHaveLength(1001);
    expect(probe(attacker, victim6, SSH_PORT)).toBe('timeout');
    expect(JSON.parse(run(victim, sb, ['status', '--json']).stdout).warnings).toEqual([line]);
  }, 60_000);

  it('nftables: ban sets are made with size 262,144 and hold that many; the 262,145th is refused in one line', async () => {
    const { victim, attacker, victim6, attacker6 } = v.pair();
    const sb = v.sandbox(firewallConfig('nftables', PERMANENT));
    writeBigState(sb.stateDir, [{ jail: 'sshd', count: SET_CAPACITY - 1 }]);
    sb.append('auth.log', threeFailures(attacker6));
    expect(scanIn(victim, sb, NOW).code).toBe(0);
    await yieldToVitest();
    expect(banSet(victim, 'ban6-sshd')).toEqual({ size: SET_CAPACITY, elements: SET_CAPACITY });
    expect(probe(attacker, victim6, SSH_PORT)).toBe('timeout');
    const byHand = run(victim, sb, ['ban', '2001:db8:ffff::8', '--jail', 'sshd']);
    expect([byHand.code, byHand.stderr]).toEqual([1, expect.stringMatching(/^logban: 2001:db8:ffff::8 not banned: jail sshd is full \(262,144 IPv6 bans.*"nftables"/)]);
  }, 180_000);

  it('nftables: a table whose ban sets have no size (an older logban) is rebuilt with sized sets and every ban', () => {
    const { victim, attacker, victim4, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig('nftables'));
    expect(run(victim, sb, ['ban', attacker4]).code).toBe(0);
    const text = nsExec(victim, ['nft', 'list', 'table', 'inet', 'logban']).stdout;
    nsExec(victim, ['nft', 'delete', 'table', 'inet', 'logban']);
    writeFileSync(sb.path('unsized.nft'), `table inet logban {}\n${text.split('\n').filter((l) => !/^\s*size 262144$/.test(l)).join('\n')}`);
    nsExec(victim, ['nft', '-f', sb.path('unsized.nft')]);
    expect(banSet(victim, 'ban4-manual')).toEqual({ size: null, elements: 1 });
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

    restoreVictim(victim, sb);
    expect(banSet(victim, 'ban4-manual')).toEqual({ size: SET_CAPACITY, elements: 1 });
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
    expect(restoreVictim(victim, sb).commands).toEqual([]);
  }, 60_000);
});

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, rootOrSkip } from './helpers/cli.js';
import { IP_BIN, nsExec, probe } from './helpers/netns.js';
import { firewallConfig, NOW, scanVictim, SSH_PORT, threeFailures, useVictim, type Backend, type Sandbox } from './helpers/victim.js';

// A quiet run trusts logban's part of the firewall by a stamp of cheap listings (no ban's entry
// listed) and reads it in full only when the stamp does not match (flushed or edited by hand),
// when bans change, after a reboot, or an hour after the last full read. Real tools, real packets.
const gate = rootOrSkip();
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => spawnSync(p, ['-V']).status === 0);
if (!STRACE && process.env['CI']) throw new Error('strace is needed under CI (apt-get install strace)');

const QUIET = '2026-11-21T09:50:00Z';
const HOUR_ON = '2026-11-21T10:51:00Z';

// The programs one scan ran (argv joined by spaces), read from strace's execve trace.
function toolsRun(ns: string, sb: Sandbox, now: string): string[] {
  const trace = join(sb.dir, `execve-${now}.trace`);
  const r = spawnSync(STRACE!, ['-f', '-qq', '-s', '200', '-e', 'trace=execve', '-o', trace, IP_BIN, 'netns', 'exec', ns,
    process.execPath, BIN, 'scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', now], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(trace, 'utf8').split('\n').filter((l) => /execve\(.*= 0$/.test(l))
    .map((l) => [...l.replace(/^.*?\[/, '').replace(/\].*$/, '').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join(' '))
    .filter((argv) => /^(iptables|ip6tables|iptables-restore|ip6tables-restore|ipset|nft)\b/.test(argv));
}

const FULL: Record<Backend, RegExp> = { iptables: /^iptables -w -S$/, ipset: /^ipset save$/, nftables: /^nft -j list table inet logban$/ };
// A full read lists what the cheap check lists too; for iptables the two are the same listing, run twice.
const isFull = (backend: Backend, tools: readonly string[]) => tools.filter((t) => FULL[backend].test(t)).length >= (backend === 'iptables' ? 2 : 1);
const CHEAP: Record<Backend, RegExp> = { iptables: /^iptables -w -S$/, ipset: /^ipset list -t$/, nftables: /^nft -t -j list table inet logban$/ };
// A hand edit that lets the attacker in again.
const EDIT: Record<Backend, (ip: string) => readonly string[]> = {
  iptables: (ip) => ['iptables', '-w', '-D', 'logban-sshd', '-s', `${ip}/32`, '-j', 'DROP'],
  ipset: () => ['ipset', 'flush', 'logban-sshd-v4'],
  nftables: () => ['nft', 'flush', 'ruleset'],
};

describe.skipIf(gate.skip || !STRACE)('the firewall check of a quiet run', () => {
  const v = useVictim();

  it.each(['ipset', 'nftables', 'iptables'] as const)('%s: cheap when intact, full and healed when edited, full again after an hour', (backend) => {
    const { victim, attacker, attacker4, victim4 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend, { sshd: 'bantime = "1d"' }));
    sb.append('auth.log', threeFailures('198.51.100.9'));
    expect(scanVictim(victim, sb, NOW).newBans.map((b) => b.ip)).toEqual(['198.51.100.9']);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');

    const quiet = toolsRun(victim, sb, QUIET);
    expect(quiet.some((t) => CHEAP[backend].test(t)), quiet.join('\n')).toBe(true);
    expect(isFull(backend, quiet), quiet.join('\n')).toBe(false);
    expect(quiet.filter((t) => /restore|nft -f/.test(t))).toEqual([]);

    // A new ban on a verified firewall: only the new entry is written, nothing listed in full. With
    // ipset and nftables only the new address's records are read from the ban log: a spoilt record of another
    // address goes unread (a run that read them all would stop at it).
    sb.append('auth.log', threeFailures(attacker4));
    const banLog = join(sb.stateDir, 'bans.1.log');
    const intact = readFileSync(banLog, 'utf8');
    if (backend !== 'iptables') writeFileSync(banLog, intact.replace('["b","sshd","198.51.100.9"', '["q","sshd","198.51.100.9"'));
    const adding = toolsRun(victim, sb, QUIET);
    if (backend !== 'iptables') {
      expect(readFileSync(banLog, 'utf8')).toContain('["q","sshd","198.51.100.9"');
      writeFileSync(banLog, readFileSync(banLog, 'utf8').replace('["q",', '["b",'));
    }
    // (iptables lists the same rules for the check and for the stamp after the change: no telling them apart.)
    if (backend !== 'iptables') expect(isFull(backend, adding), adding.join('\n')).toBe(false);
    expect(adding.some((t) => /restore|nft -f/.test(t)), adding.join('\n')).toBe(true);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

    nsExec(victim, EDIT[backend](attacker4));
    expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');
    const healing = toolsRun(victim, sb, QUIET);
    expect(isFull(backend, healing), healing.join('\n')).toBe(true);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
    // The stamp taken after healing stands for the next quiet run again.
    expect(isFull(backend, toolsRun(victim, sb, QUIET))).toBe(false);

    const later = toolsRun(victim, sb, HOUR_ON);
    expect(isFull(backend, later), later.join('\n')).toBe(true);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
  }, 60_000);
});

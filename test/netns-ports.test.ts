import { describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { firewallConfig, NOW, scanVictim, SSH_PORT, threeFailures, useVictim, WEB_PORT, type Backend } from './helpers/victim.js';
import { duplicatedLines, flushFirewall, probe, saveAll } from './helpers/netns.js';

// A jail's bans stop its ports only: real connections from an attacker namespace, per backend.
const gate = rootOrSkip();

describe.skipIf(gate.skip).each(['iptables', 'ipset', 'nftables'] as Backend[])(`%s: port-limited bans (${gate.reason})`, (backend) => {
  const v = useVictim();

  it('a ban in a jail with port = [p1] stops p1 over IPv4 and IPv6 while p2 still answers', () => {
    const { victim, attacker, victim4, victim6, attacker4, attacker6 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend));
    for (const host of [victim4, victim6]) {
      expect([probe(attacker, host, SSH_PORT), probe(attacker, host, WEB_PORT)]).toEqual(['ok', 'ok']);
    }
    sb.append('auth.log', threeFailures(attacker4) + threeFailures(attacker6));

    const out = scanVictim(victim, sb, NOW);

    expect(out.newBans.map((b) => [b.ip, b.jail])).toEqual([[attacker4, 'sshd'], [attacker6, 'sshd']]);
    for (const host of [victim4, victim6]) {
      expect([probe(attacker, host, SSH_PORT), probe(attacker, host, WEB_PORT)]).toEqual(['timeout', 'ok']);
    }
    const dump = saveAll(victim);
    expect(duplicatedLines(dump)).toEqual([]);
    expect(scanVictim(victim, sb, '2026-11-21T09:46:00Z').commands).toEqual([]);
    expect(saveAll(victim)).toEqual(dump);
  }, 60_000);

  it('ports as a range and protocol = "all" cover TCP in the range; protocol "udp" leaves TCP alone', () => {
    const { victim, attacker, victim4, attacker4 } = v.pair();
    const ranged = v.sandbox(firewallConfig(backend, { sshd: 'protocol = "all"' }).replace(`port = ["${SSH_PORT}"]`, `port = ["${SSH_PORT - 1}-${SSH_PORT + 1}"]`));
    ranged.append('auth.log', threeFailures(attacker4));
    scanVictim(victim, ranged, NOW);
    expect([probe(attacker, victim4, SSH_PORT), probe(attacker, victim4, WEB_PORT)]).toEqual(['timeout', 'ok']);

    flushFirewall(victim);
    const udp = v.sandbox(firewallConfig(backend, { sshd: 'protocol = "udp"' }).replace(`port = ["${SSH_PORT}"]`, 'port = ["1:65535"]'));
    udp.append('auth.log', threeFailures(attacker4));
    expect(scanVictim(victim, udp, NOW).newBans.map((b) => b.ip)).toEqual([attacker4]);
    const dump = saveAll(victim);
    expect(dump.some((l) => l.includes(attacker4))).toBe(true);
    expect(dump.filter((l) => /udp/.test(l) && /logban-sshd|jail-sshd/.test(l))).toHaveLength(1);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');
  }, 60_000);
});

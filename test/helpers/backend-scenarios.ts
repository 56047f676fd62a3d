import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootOrSkip, runCli } from './cli.js';
import { connectMany, duplicatedLines, flushFirewall, IP_BIN, nsExec, probe, saveAll, scanIn } from './netns.js';
import { savedText } from './saved-state.js';
import {
  firewallConfig, LATER, LIMITED_PORT, NOW, restoreVictim, scanVictim, SSH_PORT, threeFailures, useVictim, WEB_PORT, type Backend,
} from './victim.js';

// The scenarios every backend must pass, in real namespaces with real packets.
export function describeBackendLifecycle(backend: Backend): void {
  const gate = rootOrSkip();
  describe.skipIf(gate.skip)(`${backend} backend in network namespaces (${gate.reason})`, () => {
    const v = useVictim();

    it('restore after a flush (what a reboot leaves) brings every ban and limit back, twice without duplicates', () => {
      const { victim, attacker, victim4, attacker4, attacker6 } = v.pair();
      const sb = v.sandbox(firewallConfig(backend));
      sb.append('auth.log', threeFailures(attacker4) + threeFailures(attacker6));
      expect(scanVictim(victim, sb, NOW).newBans.map((b) => b.ip)).toEqual([attacker4, attacker6]);
      const before = saveAll(victim);
      expect(duplicatedLines(before)).toEqual([]);
      expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

      flushFirewall(victim);
      expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');
      const first = restoreVictim(victim, sb);
      expect(first.activeBans).toBe(2);
      expect(first.commands.length).toBeGreaterThan(0);
      expect(saveAll(victim)).toEqual(before);
      expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

      expect(restoreVictim(victim, sb)).toEqual({ activeBans: 2, commands: [], unbans: [] });
      expect(saveAll(victim)).toEqual(before);
    }, 60_000);

    // A sandbox whose first scan banned the attacker's IPv4 address in the sshd jail.
    const banned = () => {
      const sb = v.sandbox(firewallConfig(backend));
      sb.append('auth.log', threeFailures(v.pair().attacker4));
      expect(scanVictim(v.pair().victim, sb, NOW).newBans).toHaveLength(1);
      return sb;
    };

    it('a scan with nothing new heals a flushed firewall', () => {
      const { victim, attacker, victim4 } = v.pair();
      const sb = banned();
      const before = saveAll(victim);
      flushFirewall(victim);

      const healed = scanVictim(victim, sb, '2026-11-21T09:47:00Z');

      expect(healed.newBans).toEqual([]);
      expect(healed.commands.length).toBeGreaterThan(0);
      expect(saveAll(victim)).toEqual(before);
      expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
      expect(scanVictim(victim, sb, '2026-11-21T09:48:00Z').commands).toEqual([]);
    }, 60_000);

    it('limits connections per IP on the jail\'s port, and only there', () => {
      const { victim, attacker, victim4, victim6 } = v.pair();
      const sb = v.sandbox(firewallConfig(backend));
      expect(connectMany(attacker, victim4, LIMITED_PORT, 3)).toEqual(['ok', 'ok', 'ok']);
      scanVictim(victim, sb, NOW);
      expect(connectMany(attacker, victim4, LIMITED_PORT, 3).sort()).toEqual(['ok', 'ok', 'timeout']);
      expect(connectMany(attacker, victim6, LIMITED_PORT, 3).sort()).toEqual(['ok', 'ok', 'timeout']);
      expect(connectMany(attacker, victim4, WEB_PORT, 3)).toEqual(['ok', 'ok', 'ok']);
      expect(duplicatedLines(saveAll(victim))).toEqual([]);
      expect(scanVictim(victim, sb, '2026-11-21T09:46:00Z').commands).toEqual([]);
    }, 60_000);

    it('expiry lifts the ban: the next scan after bantime removes it from the kernel', () => {
      const { victim, attacker, victim4, attacker4 } = v.pair();
      const sb = banned();
      expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

      const later = scanVictim(victim, sb, LATER);

      expect(later.unbans).toEqual([{ ip: attacker4, jail: 'sshd', reason: 'expired' }]);
      expect(later.commands.some((c) => c.includes(attacker4) || c.some((a) => a.includes(attacker4)))).toBe(true);
      expect(saveAll(victim).filter((l) => l.includes(attacker4))).toEqual([]);
      expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');
    }, 60_000);

    it('not permitted (run as an unprivileged user): one line naming the tool and the fix, exit 1, nothing recorded', () => {
      const { victim, attacker4 } = v.pair();
      const sb = v.sandbox(firewallConfig(backend));
      sb.append('auth.log', threeFailures(attacker4));
      chmodSync(sb.dir, 0o777);
      const asNobody = runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], {
        prefix: [IP_BIN, 'netns', 'exec', victim, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
      });
      expect(asNobody.code).toBe(1);
      const tool = { iptables: 'iptables', ipset: 'ipset', nftables: 'nft' }[backend];
      expect(asNobody.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^logban: ${tool}: permission denied .*: run logban as root`))]);
      expect(existsSync(join(sb.stateDir, 'state.json'))).toBe(false);
    }, 60_000);

    it('hooks into a DOCKER-USER chain the test made, and names the chain when it is missing', () => {
      const { victim, attacker4 } = v.pair();
      const sb = v.sandbox(firewallConfig(backend, { chains: ['DOCKER-USER'] }));
      sb.append('auth.log', threeFailures(attacker4));
      if (backend !== 'nftables') {
        const missing = scanIn(victim, sb, NOW);
        expect(missing.code).toBe(1);
        expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/chain DOCKER-USER does not exist: is Docker running\?/)]);
        expect(savedText(sb.stateDir) ?? '').not.toContain(attacker4);
        for (const bin of ['iptables', 'ip6tables']) nsExec(victim, [bin, '-w', '-N', 'DOCKER-USER']);
      }

      expect(scanVictim(victim, sb, NOW).newBans.map((b) => b.ip)).toEqual([attacker4]);
      restoreVictim(victim, sb);

      const dump = saveAll(victim);
      expect(duplicatedLines(dump)).toEqual([]);
      if (backend === 'nftables') {
        expect(dump.filter((l) => /hook (input|forward)/.test(l))).toEqual(['nft: type filter hook forward priority filter - 1; policy accept;']);
      } else {
        expect(dump.filter((l) => / -j logban-/.test(l) && !l.includes(' -A logban-')).sort()).toEqual([
          `ip4: -A DOCKER-USER -p tcp -m multiport --dports ${SSH_PORT} -j logban-sshd`,
          `ip4: -A DOCKER-USER -p tcp -m multiport --dports ${LIMITED_PORT} -j logban-web`,
          `ip6: -A DOCKER-USER -p tcp -m multiport --dports ${LIMITED_PORT} -j logban-web`,
        ]);
      }
    }, 60_000);
  });
}


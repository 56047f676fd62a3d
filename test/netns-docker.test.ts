import { beforeAll, describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { firewallConfig, NOW, restoreVictim, scanVictim, SSH_PORT, threeFailures, useBareNamespaces, WEB_PORT, type Backend } from './helpers/victim.js';
import { duplicatedLines, IP_BIN, nsExec, probe, saveAll, startServer } from './helpers/netns.js';

// A Docker host in miniature: the attacker reaches a "container" namespace only through the host
// namespace, which forwards and (like Docker) jumps from FORWARD into DOCKER-USER. With
// chains = ["DOCKER-USER"] a ban stops the forwarded connections to the jail's port.
const gate = rootOrSkip();
const ATTACKER = '192.0.2.2';
const CONTAINER = '198.51.100.2';

function link(a: string, b: string, devA: string, devB: string, addrA: string, addrB: string): void {
  nsExec(a, [IP_BIN, 'link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b]);
  for (const [ns, dev, addr] of [[a, devA, addrA], [b, devB, addrB]] as const) {
    nsExec(ns, [IP_BIN, 'addr', 'add', `${addr}/24`, 'dev', dev]);
    nsExec(ns, [IP_BIN, 'link', 'set', dev, 'up']);
  }
}

describe.skipIf(gate.skip).each(['iptables', 'ipset', 'nftables'] as Backend[])(`%s on a Docker host (${gate.reason})`, (backend) => {
  const bare = useBareNamespaces();
  let host = '';
  let attacker = '';

  beforeAll(async () => {
    [host, attacker] = [bare.ns(), bare.ns()];
    const container = bare.ns();
    link(host, attacker, 'lbh0', 'lba0', '192.0.2.1', ATTACKER);
    link(host, container, 'lbh1', 'lbc0', '198.51.100.1', CONTAINER);
    nsExec(attacker, [IP_BIN, 'route', 'add', 'default', 'via', '192.0.2.1']);
    nsExec(container, [IP_BIN, 'route', 'add', 'default', 'via', '198.51.100.1']);
    nsExec(host, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    for (const bin of ['iptables', 'ip6tables']) {
      nsExec(host, [bin, '-w', '-N', 'DOCKER-USER']);
      nsExec(host, [bin, '-w', '-A', 'FORWARD', '-j', 'DOCKER-USER']);
    }
    await startServer(bare.pool, container, [SSH_PORT, WEB_PORT]);
  }, 30_000);

  it('a ban stops forwarded connections to the jail\'s port only, and survives a restore without duplicates', () => {
    expect([probe(attacker, CONTAINER, SSH_PORT), probe(attacker, CONTAINER, WEB_PORT)]).toEqual(['ok', 'ok']);
    const sb = bare.sandbox(firewallConfig(backend, { chains: ['DOCKER-USER'] }));
    sb.append('auth.log', threeFailures(ATTACKER));

    expect(scanVictim(host, sb, NOW).newBans.map((b) => b.ip)).toEqual([ATTACKER]);

    expect([probe(attacker, CONTAINER, SSH_PORT), probe(attacker, CONTAINER, WEB_PORT)]).toEqual(['timeout', 'ok']);
    const dump = saveAll(host);
    expect(dump.filter((l) => l.startsWith('ip4: -A INPUT'))).toEqual([]);
    expect(restoreVictim(host, sb).commands).toEqual([]);
    expect(saveAll(host)).toEqual(dump);
    expect(duplicatedLines(dump)).toEqual([]);
  }, 60_000);
});

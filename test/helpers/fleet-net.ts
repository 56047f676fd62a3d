import { fetchIn } from './crowdsec.js';
import { IP_BIN, nsExec, type createNetnsPool } from './netns.js';

// The fleet tests' network: a LAPI namespace, two servers and one attacker, each server with a
// link of its own to the LAPI and to the attacker (no routing through a third namespace):
//
//              lapi  (198.51.100.1/30 on lb-host1, 198.51.100.5/30 on lb-host2)
//             /    \
//   198.51.100.2   198.51.100.6          on each host's lb-lapi
//     host 1          host 2
//   192.0.2.1/25    192.0.2.129/25       on each host's lb-att
//   2001:db8::1     2001:db8:0:1::1
//             \    /
//             attacker  (192.0.2.2 / 192.0.2.130 and 2001:db8::2 / 2001:db8:0:1::2 on lb-host1 / lb-host2;
//                        its own addresses 203.0.113.66, 203.0.113.77, 2001:db8:66::66, 2001:db8:66::77 on lo)
//
// The hosts route 203.0.113.0/24 and 2001:db8:66::/64 back through the attacker's link address, so
// the attacker's own addresses are the same towards both servers. A connection from the attacker
// without a local address comes from attacker4 / attacker6 (the link routes carry them as source).

export type FleetHost = {
  /** The host's namespace, where logban runs and the server listens. */
  readonly ns: string;
  /** The server's addresses, on the host's attacker-facing link (lb-att). */
  readonly addr4: string;
  readonly addr6: string;
  /** This host's own address on its link to the LAPI (what the LAPI sees as the client). */
  readonly lapiSide4: string;
  /** The LAPI as this host reaches it: http://<the LAPI's address on this host's link>:<port>. */
  readonly lapiUrl: string;
  /** Interface names inside `ns`: towards the LAPI, towards the attacker. */
  readonly lapiDev: string;
  readonly attackerDev: string;
};

export type FleetNet = {
  /** The LAPI's namespace: start it with startLapi({ netns: net.lapi, port }). */
  readonly lapi: string;
  readonly hosts: readonly [FleetHost, FleetHost];
  /** One attacker namespace with a link to each server. */
  readonly attacker: string;
  /** The attacker's addresses, the same towards both servers (the default source of its connections). */
  readonly attacker4: string;
  readonly attacker6: string;
  /** A second attacker address of each family (e.g. one in ignoreip), also reaching both servers. */
  readonly other4: string;
  readonly other6: string;
};

export const FLEET_ATTACKER4 = '203.0.113.66';
export const FLEET_ATTACKER6 = '2001:db8:66::66';
export const FLEET_OTHER4 = '203.0.113.77';
export const FLEET_OTHER6 = '2001:db8:66::77';
const ATTACKER_BLOCK4 = '203.0.113.0/24';
const ATTACKER_BLOCK6 = '2001:db8:66::/64';

// Adds `v4` (with prefix) and optionally `v6` to `dev` in `ns` and brings it up; IPv6 without
// duplicate address detection, so the address is usable at once.
function address(ns: string, dev: string, v4: string, v6?: string): void {
  nsExec(ns, [IP_BIN, 'addr', 'add', v4, 'dev', dev]);
  if (v6 !== undefined) nsExec(ns, [IP_BIN, '-6', 'addr', 'add', v6, 'dev', dev, 'nodad']);
  nsExec(ns, [IP_BIN, 'link', 'set', dev, 'up']);
}

// A veth pair: `devA` in `nsA`, its peer `devB` in `nsB`.
function veth(nsA: string, devA: string, nsB: string, devB: string): void {
  nsExec(nsA, [IP_BIN, 'link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', nsB]);
}

/**
 * Builds the fleet network in four fresh namespaces of `pool` (removed by pool.cleanup()).
 * `lapiPort` is the port the LAPI will listen on in its namespace (it goes into each lapiUrl).
 */
export function createFleetNet(pool: ReturnType<typeof createNetnsPool>, lapiPort: number): FleetNet {
  const lapi = pool.add();
  const attacker = pool.add();
  const hostNs = [pool.add(), pool.add()] as const;
  // No duplicate address detection on any link, link-local addresses included: the kernel sends a
  // neighbour solicitation for a source that is not on the link (the attacker's loopback
  // addresses) only from a finished link-local address, so with DAD the attacker's first IPv6
  // connection would wait about 2 s for it. Set before the links exist, so they inherit it.
  for (const ns of [lapi, attacker, ...hostNs]) nsExec(ns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);

  // The attacker's own addresses sit on its loopback, like a router's; its links carry link addresses only.
  for (const ip of [FLEET_ATTACKER4, FLEET_OTHER4]) nsExec(attacker, [IP_BIN, 'addr', 'add', `${ip}/32`, 'dev', 'lo']);
  for (const ip of [FLEET_ATTACKER6, FLEET_OTHER6]) nsExec(attacker, [IP_BIN, '-6', 'addr', 'add', `${ip}/128`, 'dev', 'lo', 'nodad']);

  const hosts = hostNs.map((ns, i): FleetHost => {
    const n = i + 1;
    const lapiSide = `198.51.100.${1 + 4 * i}`;
    const hostSide = `198.51.100.${2 + 4 * i}`;
    const net4 = `192.0.2.${128 * i}/25`;
    const addr4 = `192.0.2.${128 * i + 1}`;
    const peer4 = `192.0.2.${128 * i + 2}`;
    // Canonical forms (2001:db8::1, not 2001:db8:0:0::1), as logban and the LAPI print them.
    const prefix6 = i === 0 ? '2001:db8::' : `2001:db8:0:${i}::`;
    const net6 = `${prefix6}/64`;
    const addr6 = `${prefix6}1`;
    const peer6 = `${prefix6}2`;
    const toHost = `lb-host${n}`;

    // The LAPI's link: a /30 each.
    veth(lapi, toHost, ns, 'lb-lapi');
    address(lapi, toHost, `${lapiSide}/30`);
    address(ns, 'lb-lapi', `${hostSide}/30`);

    // The attacker's link: the server's addresses, the attacker's link addresses, and the way back
    // to the attacker's own addresses through it.
    veth(attacker, toHost, ns, 'lb-att');
    address(ns, 'lb-att', `${addr4}/25`, `${addr6}/64`);
    address(attacker, toHost, `${peer4}/25`, `${peer6}/64`);
    nsExec(ns, [IP_BIN, 'route', 'add', ATTACKER_BLOCK4, 'via', peer4, 'dev', 'lb-att']);
    nsExec(ns, [IP_BIN, '-6', 'route', 'add', ATTACKER_BLOCK6, 'via', peer6, 'dev', 'lb-att']);
    // The attacker's connections leave from attacker4/attacker6 unless a test binds another address.
    nsExec(attacker, [IP_BIN, 'route', 'replace', net4, 'dev', toHost, 'src', FLEET_ATTACKER4]);
    nsExec(attacker, [IP_BIN, '-6', 'route', 'replace', net6, 'dev', toHost, 'src', FLEET_ATTACKER6, 'metric', '256']);

    return { ns, addr4, addr6, lapiSide4: hostSide, lapiUrl: `http://${lapiSide}:${lapiPort}`, lapiDev: 'lb-lapi', attackerDev: 'lb-att' };
  });

  return {
    lapi, attacker,
    hosts: [hosts[0]!, hosts[1]!],
    attacker4: FLEET_ATTACKER4, attacker6: FLEET_ATTACKER6,
    other4: FLEET_OTHER4, other6: FLEET_OTHER6,
  };
}

/** GET <url>/health from inside `ns`: the LAPI's {"status":"up"} as parsed JSON, or an error (refused, timeout). */
export async function healthFrom(ns: string, url: string, timeoutMs = 2000): Promise<{ status: number; body: unknown }> {
  const r = await fetchIn(ns, `${url}/health`, { timeoutMs });
  return { status: r.status, body: JSON.parse(r.text) as unknown };
}

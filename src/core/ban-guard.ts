import { describeSpecial, specialKind } from './address-class.js';
import { blocksEveryPort } from './every-port.js';
import { compileIpMatcher, type IpMatcher } from './ip.js';
import { isNetwork, parseBlock } from './net.js';
import { createShields, networkRefusal, type ShieldSet } from './shields.js';
import { err, ok, type Result } from './result.js';
import type { Ban } from './state.js';

/** Why `ip` may not be banned in `jail` ("192.0.2.1 is an address of this host"), or null when it may. */
export type BanGuard = (ip: string, jail: string) => string | null;

// The checks every ban passes before it reaches the firewall, new or saved or by hand: the
// addresses that are never a client (loopback, unspecified, broadcast, multicast, link-local),
// the host's own addresses, then the jail's ignoreip. The manual, recidive and fleet jails block
// every port, so there every jail's ignoreip counts.
// A block (a jail counting by prefix, a subnet, a CIDR by hand) may not overlap any of them, nor
// the host's default gateways (shields).
export function createBanGuard(
  jails: readonly { readonly name: string; readonly ignoreip: readonly string[] }[],
  host: readonly string[],
  gateways: readonly string[] = [],
): Result<BanGuard> {
  const own = new Set(host);
  let shields: ShieldSet | undefined;
  const lists: { name: string; matches: IpMatcher }[] = [];
  for (const j of jails) {
    const m = compileIpMatcher(j.ignoreip);
    if (!m.ok) return err(`ignoreip of jail ${j.name}: ${m.error}`);
    lists.push({ name: j.name, matches: m.value });
  }
  return ok((ip, jail) => {
    if (isNetwork(ip)) {
      const block = parseBlock(ip);
      if (block === null) return `${ip} is not an address or block`;
      shields ??= createShields(jails, host, gateways);
      return networkRefusal(block, shields(jail));
    }
    const kind = specialKind(ip);
    if (kind !== null) return describeSpecial(ip, kind);
    if (own.has(ip)) return `${ip} is an address of this host`;
    for (const l of lists) {
      if ((blocksEveryPort(jail) || l.name === jail) && l.matches(ip)) return `${ip} is in ignoreip of jail ${l.name}`;
    }
    return null;
  });
}

/** A saved ban lifted because it fails the checks, with the reason ("refused: ..."). */
export type RefusedBan = { readonly ip: string; readonly jail: string; readonly reason: string };

// Splits saved bans into those that pass the checks and those that must leave the firewall and the state.
export function splitRefused(bans: readonly Ban[], refuse: BanGuard): { kept: Ban[]; refused: RefusedBan[] } {
  const kept: Ban[] = [];
  const refused: RefusedBan[] = [];
  for (const b of bans) {
    const why = refuse(b.ip, b.jail);
    if (why === null) kept.push(b);
    else refused.push({ ip: b.ip, jail: b.jail, reason: `refused: ${why}` });
  }
  return { kept, refused };
}

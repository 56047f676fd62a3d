import { ipFamily, type Family } from './ip.js';
import { isCanonicalTarget } from './net.js';
import type { PortRange, Protocol } from './ports.js';

export type Argv = readonly string[];

/** A ban as a firewall backend needs it; expiresAt in epoch seconds, null = permanent. */
export type BanEntry = { readonly ip: string; readonly jail: string; readonly expiresAt: number | null };

/** What a jail's bans block (protocol and ports; no ports = all traffic) and its optional connection limit. */
export type JailFilter = {
  readonly name: string;
  readonly protocol: Protocol;
  readonly ports: readonly PortRange[];
  readonly connlimit: number | null;
};

/** Everything a backend needs besides the bans; fixed for one run. */
export type FirewallSetup = {
  readonly jails: readonly JailFilter[];
  /** Where the jumps into logban's chains go, e.g. ["INPUT"] or ["DOCKER-USER"]. */
  readonly hooks: readonly string[];
  readonly now: number;
};

/** The jail of `logban ban <ip>` without --jail: all traffic, until `logban unban`. */
export const MANUAL_JAIL = 'manual';

/** The part of the firewall that holds the fleet's decisions ([fleet]): `logban-fleet`, all traffic, apart from every jail's own bans. */
export const FLEET_JAIL = 'fleet';

// A jail the config does not describe (the manual jail, or one just removed) blocks all traffic.
export function filterFor(setup: FirewallSetup, jail: string): JailFilter {
  return setup.jails.find((j) => j.name === jail) ?? { name: jail, protocol: 'all', ports: [], connlimit: null };
}

// Jail → IPs of one family, jails in first-seen order (so plans come out in a stable order).
export function bansByJail(bans: readonly BanEntry[], family: Family): Map<string, BanEntry[]> {
  const out = new Map<string, BanEntry[]>();
  for (const ban of bans) {
    if (ipFamily(ban.ip) !== family) continue;
    const list = out.get(ban.jail);
    if (list) list.push(ban);
    else out.set(ban.jail, [ban]);
  }
  return out;
}

// Set → target → kernel timeout for one family's bans, each in the set `setOf` names (a jail's set
// of single addresses or of blocks), at most `limit` a jail: a state over the limit (carried over
// from iptables) puts what fits in; the report warns about the rest.
export function entriesBySet(
  bans: readonly BanEntry[], family: Family, setOf: (b: BanEntry) => string, now: number, limit: number, maxTimeout: number,
  into: Map<string, Map<string, number>> = new Map(),
): Map<string, Map<string, number>> {
  for (const [, list] of bansByJail(bans, family)) {
    for (const ban of list.slice(0, limit)) {
      const name = setOf(ban);
      const set = into.get(name) ?? new Map<string, number>();
      set.set(ban.ip, remainingSeconds(ban.expiresAt, now, maxTimeout));
      into.set(name, set);
    }
  }
  return into;
}

// The address families a run must look at: those with bans now or last time, both when a jail limits connections.
export function familiesOf(setup: FirewallSetup, ...lists: (readonly BanEntry[])[]): Family[] {
  if (setup.jails.some((j) => j.connlimit !== null)) return [4, 6];
  const found = new Set(lists.flat().map((b) => ipFamily(b.ip)));
  return ([4, 6] as const).filter((f) => found.has(f));
}

// Seconds a kernel timeout should run for a ban (0 = no timeout), rounded up and at most `cap`:
// a ban longer than the cap is put back by the next run after the kernel dropped it.
export function remainingSeconds(expiresAt: number | null, now: number, cap: number): number {
  if (expiresAt === null) return 0;
  return Math.min(cap, Math.max(1, Math.ceil(expiresAt - now)));
}

// The targets that would reach a firewall command but are not in canonical form (never expected: the state is validated).
export function nonCanonical(bans: readonly BanEntry[]): string[] {
  return bans.filter((b) => !isCanonicalTarget(b.ip)).map((b) => b.ip);
}

// A plan's commands are argv arrays; specs inside them are kept as single-space-joined strings.
export const joinSpec = (args: readonly string[]): string => args.join(' ');
export const splitSpec = (spec: string): string[] => spec.split(' ');

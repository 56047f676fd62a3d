import { ipFamily, type Family } from './ip.js';

/** Above this many bans in one jail and family an iptables chain (one rule per ban, walked by every packet) is worth a warning. */
export const IPTABLES_WARN = 1000;
/** The bans one jail holds per address family with ipset (the set's maxelem) and nftables (the set's size). */
export const SET_CAPACITY = 262_144;

/** How many bans one jail holds in one address family. */
/** Bans of one jail and family; `nets`: how many of them are blocks (absent: none), which live in sets of their own. */
export type JailLoad = { readonly jail: string; readonly family: Family; readonly count: number; readonly nets?: number };

/** IPs of one jail and family that crossed the threshold but were not banned: the jail's set is full. */
export type JailFull = { readonly jail: string; readonly family: Family; readonly refused: number };

type Addressed = { readonly ip: string; readonly jail: string };

const keyOf = (jail: string, family: Family) => `${family} ${jail}`;
const figure = (n: number) => n.toLocaleString('en-US');
const familyName = (family: Family) => `IPv${family}`;

// The backends that keep bans in sets hold SET_CAPACITY per jail and family; iptables and none set no limit (null).
export function capacityOf(backend: string): number | null {
  return backend === 'ipset' || backend === 'nftables' ? SET_CAPACITY : null;
}

// Bans per jail and family, in first-seen order.
export function countBans(bans: readonly Addressed[]): JailLoad[] {
  const counts = new Map<string, { jail: string; family: Family; count: number; nets?: number }>();
  for (const ban of bans) {
    const family = ipFamily(ban.ip);
    const key = keyOf(ban.jail, family);
    const load = counts.get(key) ?? { jail: ban.jail, family, count: 0 };
    load.count += 1;
    if (ban.ip.includes('/')) load.nets = (load.nets ?? 0) + 1;
    counts.set(key, load);
  }
  return [...counts.values()];
}

/** What admitBans decided for ordered candidates: banned now, waiting for the per-run cap, refused by a full jail. */
export type Admission<T> = { readonly admitted: readonly T[]; readonly deferred: readonly T[]; readonly refused: readonly T[]; readonly full: readonly JailFull[] };

// Takes candidates in order while their jail and family have room (capacity null: no limit) and the
// run's cap allows; a refused candidate takes no slot of the cap.
export function admitBans<T extends { readonly ban: Addressed }>(candidates: readonly T[], kept: readonly Addressed[] | readonly JailLoad[], capacity: number | null, maxBans: number): Admission<T> {
  const loads = kept.length > 0 && 'count' in kept[0]! ? (kept as readonly JailLoad[]) : countBans(kept as readonly Addressed[]);
  const used = new Map(loads.map((l) => [keyOf(l.jail, l.family), l.count]));
  const admitted: T[] = [];
  const deferred: T[] = [];
  const refused: T[] = [];
  const full = new Map<string, { jail: string; family: Family; refused: number }>();
  for (const c of candidates) {
    const family = ipFamily(c.ban.ip);
    const key = keyOf(c.ban.jail, family);
    const count = used.get(key) ?? 0;
    if (capacity !== null && count >= capacity) {
      refused.push(c);
      const entry = full.get(key) ?? { jail: c.ban.jail, family, refused: 0 };
      entry.refused += 1;
      full.set(key, entry);
    } else if (admitted.length < maxBans) {
      admitted.push(c);
      used.set(key, count + 1);
    } else {
      deferred.push(c);
    }
  }
  return { admitted, deferred, refused, full: [...full.values()] };
}

const setOf = (backend: string) => `backend = "${backend}"`;

// The scan's line for a full jail: who was not banned, the limit, and what to do.
export function fullLine(full: JailFull, backend: string): string {
  return `jail ${full.jail}: ${figure(full.refused)} IP(s) over the threshold not banned: its ${familyName(full.family)} set is full `
    + `(${figure(SET_CAPACITY)} bans, the most one jail holds per address family with ${setOf(backend)}); shorten bantime or split the jail`;
}

// `logban ban` into a full jail: one line naming the jail, the family, the limit and the fix.
export function fullBanLine(ip: string, jail: string, backend: string): string {
  return `${ip} not banned: jail ${jail} is full (${figure(SET_CAPACITY)} ${familyName(ipFamily(ip))} bans, the most one jail holds per `
    + `address family with ${setOf(backend)}); shorten bantime, split the jail or unban some`;
}

// Whether one more ban of `ip` fits in `jail` (the bans given are the ones in force).
export function hasRoom(bans: readonly Addressed[], ip: string, jail: string, capacity: number | null): boolean {
  if (capacity === null) return true;
  const family = ipFamily(ip);
  let count = 0;
  for (const b of bans) if (b.jail === jail && ipFamily(b.ip) === family) count += 1;
  return count < capacity;
}

// Warnings about the bans in force: per jail one line when an iptables chain passes IPTABLES_WARN;
// per jail and family one line when a set is full, or when the state holds more than a set takes
// (carried over from iptables or another host: the bans beyond the limit are not in the firewall).
export function capacityWarnings(backend: string, bans: readonly Addressed[] | readonly JailLoad[]): string[] {
  const loads = bans.length > 0 && 'count' in bans[0]! ? (bans as readonly JailLoad[]) : countBans(bans as readonly Addressed[]);
  if (backend === 'iptables') {
    const byJail = new Map<string, JailLoad[]>();
    for (const l of loads) if (l.count > IPTABLES_WARN) byJail.set(l.jail, [...(byJail.get(l.jail) ?? []), l]);
    return [...byJail].map(([jail, over]) => `jail ${jail}: ${over.map((l) => `${figure(l.count)} ${familyName(l.family)}`).join(' and ')} bans `
      + `on backend = "iptables", one rule per ban that every packet walks; above ${figure(IPTABLES_WARN)} use backend = "ipset" or "nftables", where a ban is one hash lookup`);
  }
  const capacity = capacityOf(backend);
  if (capacity === null) return [];
  const limit = `${figure(capacity)} one jail holds per address family with ${setOf(backend)}`;
  return loads.filter((l) => l.count >= capacity).map((l) => (l.count === capacity
    ? `jail ${l.jail} is full: ${figure(l.count)} ${familyName(l.family)} bans, the ${limit}; new bans there wait for room: shorten bantime or split the jail`
    : `jail ${l.jail}: ${figure(l.count)} ${familyName(l.family)} bans saved, more than the ${limit}: ${figure(l.count - capacity)} of them are not in the firewall; shorten bantime or split the jail`));
}

// The loads after a change: `before`, plus the bans of `added`, less those of `removed` (jails that reach 0 are dropped).
export function changeLoads(before: readonly JailLoad[], added: readonly Addressed[], removed: readonly Addressed[]): JailLoad[] {
  const out = new Map<string, { jail: string; family: Family; count: number; nets?: number }>(before.map((l) => [keyOf(l.jail, l.family), { ...l }]));
  const move = (b: Addressed, by: number) => {
    const family = ipFamily(b.ip);
    const entry = out.get(keyOf(b.jail, family)) ?? { jail: b.jail, family, count: 0 };
    entry.count += by;
    if (b.ip.includes('/')) entry.nets = Math.max(0, (entry.nets ?? 0) + by);
    if (entry.nets === 0) delete entry.nets;
    out.set(keyOf(b.jail, family), entry);
  };
  for (const b of added) move(b, 1);
  for (const b of removed) move(b, -1);
  return [...out.values()].filter((l) => l.count > 0);
}

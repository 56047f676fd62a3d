import { stampUsable, type FirewallStamp } from '../core/firewall-print.js';
import { ipFamily, type Family } from '../core/ip.js';
import type { JailLoad } from '../core/jail-capacity.js';
import type { Ban } from '../core/state.js';
import type { Config } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';

/** What the cheap check found: the firewall as the stamp says (verified), nothing of logban's to check, or a change. */
export type FirewallCheck = 'verified' | 'nothing' | 'stale';

// Whether a run may trust the firewall without reading it in full: the cheap listings look as they
// did after the last full read or change, and that read is recent. Nothing of logban's to look at
// (no ban, no connection limit) needs no check; a backend that reads the firewall but has no cheap
// check is never trusted (it reads it every run).
export async function checkFirewall(firewall: Firewall, config: Config, stamp: FirewallStamp | undefined, live: number, now: number): Promise<FirewallCheck> {
  const limits = config.jails.some((j) => j.connlimit !== null);
  if (live === 0 && !limits && (stamp === undefined || stamp.families.length === 0)) return 'nothing';
  if (!firewall.fingerprint) return firewall.reconciles ? 'stale' : 'nothing';
  if (!stampUsable(stamp, config.backend, now)) return 'stale';
  return (await firewall.fingerprint(stamp.families)) === stamp.print ? 'verified' : 'stale';
}

// The stamp to keep after a full read and rewrite of the firewall, or a change applied to a
// verified one, over these families (null: this backend has none).
export async function stampAfter(firewall: Firewall, config: Config, families: readonly Family[], now: number): Promise<FirewallStamp | null> {
  if (!firewall.fingerprint) return null;
  return { backend: config.backend, print: await firewall.fingerprint(families), families, checkedAt: now };
}

// The families of the last stamp and of the new bans (when not every ban was read).
export function joinFamilies(stamp: FirewallStamp | undefined, bans: readonly { readonly ip: string }[]): Family[] {
  const out = new Set<Family>(stamp?.families ?? []);
  for (const b of bans) out.add(ipFamily(b.ip));
  return ([4, 6] as const).filter((f) => out.has(f));
}

// Whether every jail and family of `bans` already holds bans of that kind (`loads`; blocks and
// single addresses live in sets of their own), so its set, chain or table exists and only entries
// change: what a trusted apply may assume. Empty sets and chains outlive their bans, so a jail or
// family that comes back is planned against the firewall as it really is.
export function onlyEntriesChange(loads: readonly JailLoad[] | undefined, bans: readonly Ban[]): boolean {
  const holds = (l: JailLoad, b: Ban) => (b.ip.includes('/') ? (l.nets ?? 0) > 0 : l.count - (l.nets ?? 0) > 0);
  return loads !== undefined && bans.every((b) => loads.some((l) => l.jail === b.jail && l.family === ipFamily(b.ip) && holds(l, b)));
}

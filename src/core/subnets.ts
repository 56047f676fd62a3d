import type { BanGuard } from './ban-guard.js';
import { ADDRESSES_KEPT } from './block-addresses.js';
import { EVIDENCE_LINES } from './evidence-lines.js';
import { blockText, fullLength, isNetwork, narrowTo, parseBlock, type Block } from './net.js';
import type { Ban } from './state.js';
import type { BanHistory, BanRecord } from './escalation.js';

/** The ban history table where a jail's recent bans wait for their subnet: "subnet:sshd" (no jail name holds a colon). */
export const subnetHistoryOf = (jail: string): string => `subnet:${jail}`;
export const isSubnetHistory = (table: string): boolean => table.startsWith('subnet:');

// The times of a jail's bans per target, kept while they may still add up to a subnet ban (findtime):
// a ban that ended sooner than that (a bantime shorter than findtime, an unban by hand of one
// member) still counts. Each ban is noted once, when it is made, by its last failure's time.
export function noteSubnetBans(history: BanHistory, jails: readonly SubnetJail[], fresh: readonly Ban[], now: number): BanHistory {
  const out: Record<string, Record<string, BanRecord>> = { ...history };
  for (const jail of jails) {
    const key = subnetHistoryOf(jail.name);
    if (!jail.subnet) { delete out[key]; continue; }
    const table: Record<string, BanRecord> = {};
    const keep = (target: string, times: readonly number[]) => {
      const recent = times.filter((t) => t > now - jail.findtime);
      if (recent.length > 0) table[target] = { count: recent.length, until: null, times: recent };
    };
    for (const [target, r] of Object.entries(history[key] ?? {})) keep(target, r.times ?? []);
    for (const b of fresh) if (b.jail === jail.name && !isNetworkWide(b, jail.subnet)) keep(b.ip, [...(table[b.ip]?.times ?? []), b.lastSeen]);
    if (Object.keys(table).length > 0) out[key] = table;
    else delete out[key];
  }
  return out;
}

// A ban as wide as the jail's subnet, or wider, is no member of one.
function isNetworkWide(b: Ban, policy: SubnetPolicy): boolean {
  const block = parseBlock(b.ip);
  return block === null || subnetOf(block, policy) === null;
}

/** Subnet escalation of a jail (subnet_maxbans, subnet_prefix4, subnet_prefix6); null: off. */
export type SubnetPolicy = { readonly maxbans: number; readonly prefix4: number; readonly prefix6: number };

export type SubnetJail = { readonly name: string; readonly findtime: number; readonly bantime: number | null; readonly subnet?: SubnetPolicy | null };

// Whether a jail's block bans hold a target: the bans of one jail as blocks, looked up by the
// lengths they have (a few), so a run with 100k keys costs a few lookups a key.
export function createCover(bans: readonly Ban[]): (jail: string, target: string) => Ban | null {
  // Per jail and family (a key of a family without block bans is not even parsed).
  const byJail = new Map<string, { lens: Set<number>; blocks: Map<string, Ban> }>();
  for (const b of bans) {
    if (!isNetwork(b.ip)) continue;
    const block = parseBlock(b.ip);
    if (block === null) continue;
    const key = `${block.family} ${b.jail}`;
    const j = byJail.get(key) ?? { lens: new Set<number>(), blocks: new Map<string, Ban>() };
    j.lens.add(block.len);
    j.blocks.set(b.ip, b);
    byJail.set(key, j);
  }
  return (jail, target) => {
    if (byJail.size === 0) return null;
    const j = byJail.get(`${target.includes(':') ? 6 : 4} ${jail}`);
    if (j === undefined) return null;
    const t = parseBlock(target);
    if (t === null) return null;
    for (const len of j.lens) {
      if (len > t.len) continue;
      const hit = j.blocks.get(blockText(narrowTo(t, len)));
      if (hit !== undefined && hit.ip !== target) return hit;
    }
    return null;
  };
}

/** A subnet a run bans: the ban, and the bans it takes the place of. */
export type SubnetBan = { readonly ban: Ban; readonly members: readonly Ban[] };

/** What escalation decided: subnets banned, and subnets it could not ban (one report line each). */
export type Escalated = { readonly subnets: readonly SubnetBan[]; readonly refused: readonly string[] };

const subnetOf = (block: Block, policy: SubnetPolicy): Block | null => {
  const len = block.family === 4 ? policy.prefix4 : policy.prefix6;
  return len < block.len && len < fullLength(block.family) ? narrowTo(block, len) : null;
};

// The N bans of a subnet that came within findtime of each other, if any: by the time each was
// earned (its last failure, which a replayed log keeps; a ban by hand: when it was made).
function closeEnough(earned: readonly number[], n: number, findtime: number): boolean {
  const times = [...earned].sort((a, b) => a - b);
  for (let i = 0; i + n - 1 < times.length; i++) if (times[i + n - 1]! - times[i]! <= findtime) return true;
  return false;
}

// The subnet text of a target under a policy, or null when it is as wide as the subnet or wider.
function subnetTextOf(target: string, policy: SubnetPolicy): string | null {
  const block = parseBlock(target);
  const subnet = block && subnetOf(block, policy);
  return subnet ? blockText(subnet) : null;
}

/** A subnet's bans: those in force, and the targets of bans that ended within findtime, with their times. */
type Members = { live: Ban[]; past: { target: string; last: number }[] };

// The members of each subnet `fresh` bans touched, in one pass over the jail's bans and history.
function membersOf(jail: SubnetJail, policy: SubnetPolicy, bans: readonly Ban[], fresh: readonly Ban[], history: BanHistory): Map<string, Members> {
  const groups = new Map<string, Members>();
  for (const b of fresh) {
    const text = b.jail === jail.name ? subnetTextOf(b.ip, policy) : null;
    if (text !== null && !groups.has(text)) groups.set(text, { live: [], past: [] });
  }
  if (groups.size === 0) return groups;
  const live = new Set<string>();
  for (const b of bans) {
    const group = b.jail === jail.name ? groups.get(subnetTextOf(b.ip, policy) ?? '') : undefined;
    if (group) { group.live.push(b); live.add(b.ip); }
  }
  for (const [target, r] of Object.entries(history[subnetHistoryOf(jail.name)] ?? {})) {
    const group = live.has(target) ? undefined : groups.get(subnetTextOf(target, policy) ?? '');
    if (group) group.past.push({ target, last: (r.times ?? []).reduce((a, t) => Math.max(a, t), -Infinity) });
  }
  return groups;
}

// One ban for the subnet in the place of its members' (in force, oldest first).
function subnetBan(text: string, jail: SubnetJail, m: Members, now: number): Ban {
  const ordered = [...m.live].sort((x, y) => x.lastSeen - y.lastSeen);
  return {
    ip: text, jail: jail.name, bannedAt: now, expiresAt: jail.bantime === null ? null : now + jail.bantime,
    failures: ordered.reduce((sum, b) => sum + b.failures, 0),
    firstSeen: ordered.reduce((t, b) => Math.min(t, b.firstSeen), Infinity),
    lastSeen: ordered.reduce((t, b) => Math.max(t, b.lastSeen), -Infinity),
    evidence: ordered.slice(-EVIDENCE_LINES).flatMap((b) => b.evidence).slice(-EVIDENCE_LINES),
    addresses: [...m.past.map((p) => p.target), ...ordered.map((b) => b.ip)].slice(-ADDRESSES_KEPT),
  };
}

// Subnet escalation: when a jail holds `maxbans` bans of distinct addresses (or blocks) of one
// subnet that came within its findtime of each other (bans that ended within findtime count
// too, by the times the history kept), the subnet is banned for the jail's bantime and takes
// their place. Only subnets that gained a ban this run are looked at, so a subnet refused by the
// guard is reported once, by the run that tried.
export function escalateSubnets(jails: readonly SubnetJail[], bans: readonly Ban[], fresh: readonly Ban[], now: number, refuse: BanGuard, history: BanHistory = {}): Escalated {
  const subnets: SubnetBan[] = [];
  const refused: string[] = [];
  for (const jail of jails) {
    const policy = jail.subnet;
    if (!policy || policy.maxbans < 2) continue;
    for (const [text, m] of membersOf(jail, policy, bans, fresh, history)) {
      const times = [...m.live.map((b) => b.lastSeen), ...m.past.map((p) => p.last)];
      if (times.length < policy.maxbans || !closeEnough(times, policy.maxbans, jail.findtime)) continue;
      const why = refuse(text, jail.name);
      if (why !== null) {
        refused.push(`${text} not banned in jail ${jail.name} after ${times.length} bans in it: ${why}`);
        continue;
      }
      subnets.push({ ban: subnetBan(text, jail, m, now), members: m.live });
    }
  }
  return { subnets, refused };
}

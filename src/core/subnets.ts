import type { BanGuard } from './ban-guard.js';
import { ADDRESSES_KEPT } from './block-addresses.js';
import { EVIDENCE_LINES } from './evidence-lines.js';
import { blockText, containsBlock, fullLength, isNetwork, narrowTo, parseBlock, type Block } from './net.js';
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
  const byJail = new Map<string, { lens: Set<number>; blocks: Map<string, Ban> }>();
  for (const b of bans) {
    if (!isNetwork(b.ip)) continue;
    const block = parseBlock(b.ip);
    if (block === null) continue;
    const j = byJail.get(b.jail) ?? { lens: new Set<number>(), blocks: new Map<string, Ban>() };
    j.lens.add(block.len);
    j.blocks.set(b.ip, b);
    byJail.set(b.jail, j);
  }
  return (jail, target) => {
    const j = byJail.get(jail);
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

// Subnet escalation: when a jail holds `maxbans` bans of distinct addresses (or blocks) of one
// subnet that came within its findtime of each other, the subnet is banned for the jail's
// bantime and takes their place. Only subnets that gained a ban this run are looked at, so a
// subnet refused by the guard is reported once, by the run that tried.
export function escalateSubnets(jails: readonly SubnetJail[], bans: readonly Ban[], fresh: readonly Ban[], now: number, refuse: BanGuard, history: BanHistory = {}): Escalated {
  const subnets: SubnetBan[] = [];
  const refused: string[] = [];
  for (const jail of jails) {
    const policy = jail.subnet;
    if (!policy || policy.maxbans < 2) continue;
    const looked = new Set<string>();
    const inJail = bans.filter((b) => b.jail === jail.name);
    for (const b of fresh) {
      if (b.jail !== jail.name) continue;
      const block = parseBlock(b.ip);
      const subnet = block && subnetOf(block, policy);
      if (!subnet) continue;
      const text = blockText(subnet);
      if (looked.has(text)) continue;
      looked.add(text);
      const inside = (target: string) => {
        const mb = parseBlock(target);
        return mb !== null && mb.len > subnet.len && containsBlock(subnet, mb);
      };
      const members = inJail.filter((m) => inside(m.ip));
      // Bans that ended within findtime count as well, by the times the history kept.
      const live = new Set(members.map((m) => m.ip));
      const past = Object.entries(history[subnetHistoryOf(jail.name)] ?? {}).filter(([t]) => !live.has(t) && inside(t));
      const times = [...members.map((m) => m.lastSeen), ...past.map(([, r]) => Math.max(...(r.times ?? [0])))];
      if (times.length < policy.maxbans || !closeEnough(times, policy.maxbans, jail.findtime)) continue;
      const why = refuse(text, jail.name);
      if (why !== null) {
        refused.push(`${text} not banned in jail ${jail.name} after ${times.length} bans in it: ${why}`);
        continue;
      }
      const ordered = [...members].sort((x, y) => x.lastSeen - y.lastSeen);
      const ban: Ban = {
        ip: text, jail: jail.name, bannedAt: now, expiresAt: jail.bantime === null ? null : now + jail.bantime,
        failures: members.reduce((sum, m) => sum + m.failures, 0),
        firstSeen: Math.min(...members.map((m) => m.firstSeen)),
        lastSeen: Math.max(...members.map((m) => m.lastSeen)),
        evidence: ordered.flatMap((m) => m.evidence).slice(-EVIDENCE_LINES),
        addresses: [...past.map(([t]) => t), ...ordered.map((m) => m.ip)].slice(-ADDRESSES_KEPT),
      };
      subnets.push({ ban, members });
    }
  }
  return { subnets, refused };
}

import type { JailPolicy } from './decide.js';
import { banDuration, escalates, priorBans, recordBans, type BanHistory } from './escalation.js';
import { MANUAL_JAIL } from './firewall-model.js';
import type { Ban, State } from './state.js';
import type { BanGuard } from './ban-guard.js';
import { countRecidive, type RecidivePolicy } from './recidive.js';
import { isNetwork, overlaps, parseBlock } from './net.js';
import { subnetHistoryOf } from './subnets.js';

/** `recidive`: the recidive ban this ban brought about, if any. */
export type ManualBan = { readonly state: State; readonly ban: Ban; readonly already: boolean; readonly recidive?: readonly Ban[] };

function withoutIp<T>(table: Readonly<Record<string, Readonly<Record<string, T>>>>, ip: string, jail: string | null, hit: (key: string) => boolean = (k) => k === ip) {
  const out: Record<string, Record<string, T>> = {};
  for (const [name, ips] of Object.entries(table)) {
    const mine = jail === null || name === jail || name === subnetHistoryOf(jail);
    out[name] = mine ? Object.fromEntries(Object.entries(ips).filter(([k]) => !hit(k))) : { ...ips };
  }
  return out;
}

// Whether a ban or window key shares an address with `target`: the same, a block holding it, or inside it.
function touching(target: string): (key: string) => boolean {
  const t = parseBlock(target);
  return (key) => {
    if (key === target) return true;
    if (t === null || (!isNetwork(key) && !isNetwork(target))) return false;
    const k = parseBlock(key);
    return k !== null && overlaps(k, t);
  };
}

const isActive = (b: Ban, now: number) => b.expiresAt === null || b.expiresAt > now;

// `logban ban <ip>`: a ban in the jail (its bantime, escalated for repeat offenders), or without a
// jail a permanent ban in the manual jail; the IP's pending failures in that jail are dropped.
export function addManualBan(state: State, ip: string, jail: JailPolicy | null, now: number, recidive?: { policy: RecidivePolicy | null; refuse: BanGuard }): ManualBan {
  const name = jail?.name ?? MANUAL_JAIL;
  const existing = state.bans.find((b) => b.ip === ip && b.jail === name && isActive(b, now));
  if (existing) return { state, ban: existing, already: true };
  const duration = jail === null ? null : banDuration(jail, priorBans(state.history, name, ip, now));
  const ban: Ban = { ip, jail: name, bannedAt: now, expiresAt: duration === null ? null : now + duration, failures: 0, firstSeen: now, lastSeen: now, evidence: [] };
  const kept = state.bans.filter((b) => !(b.ip === ip && b.jail === name));
  const escalated: BanHistory | undefined = jail !== null && escalates(jail) ? recordBans(state.history, [ban], now) : state.history;
  // A ban by hand counts towards recidive like any other, and can be the one that reaches it.
  const counted = recidive ? countRecidive(recidive.policy, escalated, [ban], kept, now, recidive.refuse) : { bans: [], history: escalated };
  const history = counted.history;
  const bans = [...kept, ban, ...counted.bans];
  return { state: { ...state, bans, windows: withoutIp(state.windows, ip, name), ...(history ? { history } : {}) }, ban, already: false, recidive: counted.bans };
}

// `logban unban <target>`: lifts its bans (in one jail or all) and forgets its pending failures and
// past bans there, so the next scan neither bans it again from old lines nor escalates. A target
// shares its fate with every ban it touches: an address lifts the block that holds it, a block
// the bans inside it.
export function removeManualBan(state: State, ip: string, jail: string | null): { state: State; removed: readonly Ban[] } {
  const touches = touching(ip);
  const hit = (b: Ban) => touches(b.ip) && (jail === null || b.jail === jail);
  const history = state.history ? { history: withoutIp(state.history, ip, jail, touches) } : {};
  return {
    state: { ...state, bans: state.bans.filter((b) => !hit(b)), windows: withoutIp(state.windows, ip, jail, touches), ...history },
    removed: state.bans.filter(hit),
  };
}

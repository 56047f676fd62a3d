import type { JailPolicy } from './decide.js';
import { banDuration, escalates, priorBans, recordBans, type BanHistory } from './escalation.js';
import { MANUAL_JAIL } from './firewall-model.js';
import type { Ban, State } from './state.js';

export type ManualBan = { readonly state: State; readonly ban: Ban; readonly already: boolean };

function withoutIp<T>(table: Readonly<Record<string, Readonly<Record<string, T>>>>, ip: string, jail: string | null) {
  const out: Record<string, Record<string, T>> = {};
  for (const [name, ips] of Object.entries(table)) {
    out[name] = jail === null || name === jail ? Object.fromEntries(Object.entries(ips).filter(([k]) => k !== ip)) : { ...ips };
  }
  return out;
}

const isActive = (b: Ban, now: number) => b.expiresAt === null || b.expiresAt > now;

// `logban ban <ip>`: a ban in the jail (its bantime, escalated for repeat offenders), or without a
// jail a permanent ban in the manual jail; the IP's pending failures in that jail are dropped.
export function addManualBan(state: State, ip: string, jail: JailPolicy | null, now: number): ManualBan {
  const name = jail?.name ?? MANUAL_JAIL;
  const existing = state.bans.find((b) => b.ip === ip && b.jail === name && isActive(b, now));
  if (existing) return { state, ban: existing, already: true };
  const duration = jail === null ? null : banDuration(jail, priorBans(state.history, name, ip, now));
  const ban: Ban = { ip, jail: name, bannedAt: now, expiresAt: duration === null ? null : now + duration, failures: 0, firstSeen: now, lastSeen: now, evidence: [] };
  const bans = [...state.bans.filter((b) => !(b.ip === ip && b.jail === name)), ban];
  const history: BanHistory | undefined = jail !== null && escalates(jail) ? recordBans(state.history, [ban], now) : state.history;
  return { state: { ...state, bans, windows: withoutIp(state.windows, ip, name), ...(history ? { history } : {}) }, ban, already: false };
}

// `logban unban <ip>`: lifts its bans (in one jail or all) and forgets its pending failures and
// past bans there, so the next scan neither bans it again from old lines nor escalates.
export function removeManualBan(state: State, ip: string, jail: string | null): { state: State; removed: readonly Ban[] } {
  const hit = (b: Ban) => b.ip === ip && (jail === null || b.jail === jail);
  const history = state.history ? { history: withoutIp(state.history, ip, jail) } : {};
  return {
    state: { ...state, bans: state.bans.filter((b) => !hit(b)), windows: withoutIp(state.windows, ip, jail), ...history },
    removed: state.bans.filter(hit),
  };
}

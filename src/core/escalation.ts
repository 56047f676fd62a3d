import { RECIDIVE_JAIL } from './recidive.js';
import { isSubnetHistory } from './subnets.js';

/** How often an IP was banned in a jail, and when its last ban ended (null: permanent); `times`:
 *  under the recidive jail, when each ban still counted was made. */
export type BanRecord = { readonly count: number; readonly until: number | null; readonly times?: readonly number[] };

/** Jail → IP → record; kept in the state so repeat offenders get longer bans. */
export type BanHistory = Readonly<Record<string, Readonly<Record<string, BanRecord>>>>;

/** Repeat-offender settings of a jail; factor 1 (the default) means every ban lasts `bantime`. */
export type Escalation = {
  readonly bantime: number | null;
  readonly bantimeFactor?: number;
  /** Upper bound of an escalated ban in seconds; null or absent: none but HARD_MAX_BANTIME. */
  readonly maxbantime?: number | null;
};

/** An IP's record is forgotten this long after its last ban ended: a week of quiet wipes the slate. */
export const HISTORY_GRACE = 7 * 86400;
/** Without maxbantime an escalated ban still stops at ten years, so times stay finite numbers. */
export const HARD_MAX_BANTIME = 10 * 365 * 86400;

// Only jails with a factor above 1 (and a bantime that ends) escalate and keep a history.
export function escalates(policy: Escalation): boolean {
  return (policy.bantimeFactor ?? 1) > 1 && policy.bantime !== null;
}

// Like fail2ban's bantime.increment: the nth ban lasts bantime × factor^(n-1), at most maxbantime.
export function banDuration(policy: Escalation, priorBans: number): number | null {
  if (policy.bantime === null) return null;
  if (!escalates(policy)) return policy.bantime;
  const cap = Math.min(policy.maxbantime ?? HARD_MAX_BANTIME, HARD_MAX_BANTIME);
  const scaled = policy.bantime * (policy.bantimeFactor ?? 1) ** priorBans;
  return Math.max(policy.bantime, Math.min(cap, Number.isFinite(scaled) ? Math.round(scaled) : cap));
}

// Whether a record still counts: a permanent ban's always does, others until a week after they ended.
export function isRemembered(record: BanRecord, now: number): boolean {
  return record.until === null || record.until + HISTORY_GRACE > now;
}

// Bans an IP had in a jail that still count towards the next one.
export function priorBans(history: BanHistory | undefined, jail: string, ip: string, now: number): number {
  const record = history?.[jail]?.[ip];
  return record && isRemembered(record, now) ? record.count : 0;
}

// The history after this run: new bans counted, forgotten records dropped, empty jails removed.
export function recordBans(
  history: BanHistory | undefined,
  bans: readonly { readonly ip: string; readonly jail: string; readonly expiresAt: number | null }[],
  now: number,
): BanHistory {
  const out: Record<string, Record<string, BanRecord>> = {};
  for (const [jail, ips] of Object.entries(history ?? {})) {
    // The recidive jail's ban times are kept by countRecidive.
    if (jail === RECIDIVE_JAIL || isSubnetHistory(jail)) { out[jail] = { ...ips }; continue; }
    for (const [ip, record] of Object.entries(ips)) {
      if (isRemembered(record, now)) (out[jail] ??= {})[ip] = record;
    }
  }
  for (const ban of bans) {
    const before = out[ban.jail]?.[ban.ip];
    (out[ban.jail] ??= {})[ban.ip] = { count: (before?.count ?? 0) + 1, until: ban.expiresAt };
  }
  return out;
}

// The longest ban a jail can give (null: permanent), for skipping failures too old to matter.
export function longestBan(policy: Escalation): number | null {
  if (policy.bantime === null) return null;
  if (!escalates(policy)) return policy.bantime;
  return Math.min(policy.maxbantime ?? HARD_MAX_BANTIME, HARD_MAX_BANTIME);
}

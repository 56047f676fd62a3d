// The ban policy of one jail, durations in seconds (bantime null: permanent).
export type Policy = { readonly findtime: number; readonly maxretry: number; readonly bantime: number | null };

export type Trigger = {
  /** Time of the failure that reached maxretry. */
  readonly at: number;
  readonly expiresAt: number | null;
  readonly failures: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
};

export type WindowOutcome = { readonly trigger: Trigger | null; readonly pending: number[] };

// A ban whose triggering failure is at most this old at the scan is live: it runs for bantime from
// the scan that applies it, so a cron run every few minutes never shortens it. An older one is a
// catch-up (a first run, logs read after an outage) or a replay: it keeps the log's time, so the
// same log gives the same bans, and one that would long have ended bans nothing.
export const LIVE_HORIZON = 15 * 60;

/** Failures kept as a count: they all fell inside a permanent ban found in the kept times. */
export type Folded = { readonly count: number; readonly last: number };

// Slides over one IP's failure times (old and new together, so a window can straddle runs) and
// finds the last moment maxretry failures fell within findtime. Failures during a ban it would
// have caused count towards that ban, not towards a new window. The ban is kept only if it
// would still be in force at `now`; what is left is pending, pruned to the current window.
// `folded` failures (see foldPermanent) belong to the last ban found; with none (the jail's
// policy changed since they were folded) they are dropped. A ban triggered at or after
// `liveSince` starts at `now` (see LIVE_HORIZON); by default every ban starts at its failure.
// `resets` (sorted): times of logins that worked (reset_on_success); a failure at or before one
// never counts towards a later ban, while a ban reached before the login stands.
export function evaluateWindow(sortedTimes: readonly number[], policy: Policy, now: number, folded?: Folded, liveSince = Infinity, resets: readonly number[] = []): WindowOutcome {
  const { findtime, maxretry, bantime } = policy;
  const t = sortedTimes;
  const startOf = (at: number) => (at >= liveSince ? Math.max(at, now) : at);
  let last: { start: number; at: number; end: number } | null = null;
  let j = 0;
  let r = 0;
  let reset = -Infinity;
  for (let i = 0; i < t.length; i++) {
    while (r < resets.length && resets[r]! <= t[i]!) reset = resets[r++]!;
    while (j <= i && (t[i]! - t[j]! > findtime || t[j]! <= reset)) j++;
    if (i - j + 1 < maxretry) continue;
    const until = bantime === null ? Infinity : startOf(t[i]!) + bantime;
    let end = i;
    while (end + 1 < t.length && t[end + 1]! < until) end++;
    last = { start: j, at: i, end };
    i = end;
    j = end + 1;
  }
  const pendingFrom = last ? last.end + 1 : 0;
  const forgotten = resets.length > 0 ? resets[resets.length - 1]! : -Infinity;
  const pending = t.slice(pendingFrom).filter((time) => time > now - findtime && time > forgotten);
  if (!last) return { trigger: null, pending };
  const at = t[last.at]!;
  const expiresAt = bantime === null ? null : startOf(at) + bantime;
  if (expiresAt !== null && expiresAt <= now) return { trigger: null, pending };
  const failures = last.end - last.start + 1 + (folded?.count ?? 0);
  const lastSeen = Math.max(t[last.end]!, folded?.last ?? -Infinity);
  return { trigger: { at, expiresAt, failures, firstSeen: t[last.start]!, lastSeen }, pending: [] };
}

// Index of the failure that first makes maxretry within findtime in sorted times, or -1; no
// failure at or before a reset (see evaluateWindow) counts towards a later one.
function firstTrigger(t: readonly number[], policy: Policy, resets: readonly number[] = []): number {
  const m = policy.maxretry;
  let r = 0;
  let reset = -Infinity;
  for (let i = Math.max(0, m - 1); i < t.length; i++) {
    while (r < resets.length && resets[r]! <= t[i]!) reset = resets[r++]!;
    if (t[i]! - t[i - m + 1]! <= policy.findtime && t[i - m + 1]! > reset) return i;
  }
  return -1;
}

/** Sorted times, the failures counted without their times, and the first ban's time if any. */
export type FoldedTimes = { readonly times: number[]; readonly folded: Folded | undefined; readonly at: number | undefined };

// A permanent ban is the first moment maxretry failures fell within findtime, and every later
// failure only adds to its count and lastSeen: those are kept as a count, except the ones inside
// the window at `now` (shown by status). Only failures up to the first ban keep their times, so
// a flood costs maxretry numbers, not one per line. Exact in any order: a failure that arrives
// later can only move the first ban earlier, and the counted ones stay after it.
export function foldPermanent(sortedTimes: readonly number[], policy: Policy, now: number, folded?: Folded, resets?: readonly number[]): FoldedTimes {
  const t = sortedTimes;
  const i = policy.bantime === null ? firstTrigger(t, policy, resets) : -1;
  if (i < 0) return { times: [...t], folded, at: undefined };
  let k = i + 1;
  while (k < t.length && t[k]! <= now - policy.findtime) k++;
  if (k === i + 1) return { times: [...t], folded, at: t[i] };
  const count = (folded?.count ?? 0) + k - i - 1;
  const last = Math.max(folded?.last ?? -Infinity, t[t.length - 1]!);
  return { times: [...t.slice(0, i + 1), ...t.slice(k)], folded: { count, last }, at: t[i] };
}

// Folded failures of two runs (or of the saved window and this run) together.
export function addFolded(a: Folded | undefined, b: Folded | undefined): Folded | undefined {
  if (!a || !b) return a ?? b;
  return { count: a.count + b.count, last: Math.max(a.last, b.last) };
}

export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return [...b].sort((x, y) => x - y);
  return [...a, ...b].sort((x, y) => x - y);
}

// The earliest failure time that can still matter at `now`: a window that ends before
// now - longest ban (at least LIVE_HORIZON) - findtime can only cause a ban that has already expired, so a first run over
// weeks of log skips older lines without even matching them. Permanent bans (or escalation
// without a cap) keep every failure: -Infinity.
export function relevantSince(policy: Policy & { readonly longestBan?: number | null }, now: number): number {
  const longest = policy.longestBan === undefined ? policy.bantime : policy.longestBan;
  return longest === null ? -Infinity : now - Math.max(longest, LIVE_HORIZON) - policy.findtime;
}

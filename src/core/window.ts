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

// Slides over one IP's failure times (old and new together, so a window can straddle runs) and
// finds the last moment maxretry failures fell within findtime. Failures during a ban it would
// have caused count towards that ban, not towards a new window. The ban is kept only if it
// would still be in force at `now`; what is left is pending, pruned to the current window.
export function evaluateWindow(sortedTimes: readonly number[], policy: Policy, now: number): WindowOutcome {
  const { findtime, maxretry, bantime } = policy;
  const t = sortedTimes;
  let last: { start: number; at: number; end: number } | null = null;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (t[i]! - t[j]! > findtime) j++;
    if (i - j + 1 < maxretry) continue;
    const until = bantime === null ? Infinity : t[i]! + bantime;
    let end = i;
    while (end + 1 < t.length && t[end + 1]! < until) end++;
    last = { start: j, at: i, end };
    i = end;
    j = end + 1;
  }
  const pendingFrom = last ? last.end + 1 : 0;
  const pending = t.slice(pendingFrom).filter((time) => time > now - findtime);
  if (!last) return { trigger: null, pending };
  const at = t[last.at]!;
  const expiresAt = bantime === null ? null : at + bantime;
  if (expiresAt !== null && expiresAt <= now) return { trigger: null, pending };
  return {
    trigger: { at, expiresAt, failures: last.end - last.start + 1, firstSeen: t[last.start]!, lastSeen: t[last.end]! },
    pending: [],
  };
}

export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  if (a.length === 0) return [...b].sort((x, y) => x - y);
  return [...a, ...b].sort((x, y) => x - y);
}

// The earliest failure time that can still matter at `now`: a window that ends before
// now - longest ban - findtime can only cause a ban that has already expired, so a first run over
// weeks of log skips older lines without even matching them. Permanent bans (or escalation
// without a cap) keep every failure: -Infinity.
export function relevantSince(policy: Policy & { readonly longestBan?: number | null }, now: number): number {
  const longest = policy.longestBan === undefined ? policy.bantime : policy.longestBan;
  return longest === null ? -Infinity : now - longest - policy.findtime;
}

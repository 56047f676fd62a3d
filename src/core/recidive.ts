import type { BanGuard } from './ban-guard.js';
import type { BanHistory, BanRecord } from './escalation.js';
import type { Ban } from './state.js';

/** The jail of recidive bans: every port and protocol, like a ban by hand. */
export const RECIDIVE_JAIL = 'recidive';

/** [recidive]: `maxretry` bans of one target in any jail within `findtime` ban it everywhere for `bantime`. */
export type RecidivePolicy = { readonly findtime: number; readonly maxretry: number; readonly bantime: number | null };

/** What counting a run's bans gave: recidive bans to make, and the ban times kept for the next runs. */
export type Recidivists = { readonly bans: readonly Ban[]; readonly history: BanHistory | undefined };

// The ban times of each target live in the ban history under the recidive jail's name (the
// escalation history of the other jails beside them): `times`, each ban once, when it was made.
const recentOf = (history: BanHistory | undefined, target: string): readonly number[] => history?.[RECIDIVE_JAIL]?.[target]?.times ?? [];

// Counts `fresh` (this run's bans in every jail but recidive, scans and bans by hand alike) into
// each target's ban times, forgets times older than findtime, and bans for `bantime` every target
// that reached maxretry bans and has no recidive ban in force (`kept`). A target the checks of
// every ban refuse for all ports (another jail's ignoreip) is counted but not banned.
export function countRecidive(
  policy: RecidivePolicy | null | undefined,
  history: BanHistory | undefined,
  fresh: readonly Ban[],
  kept: readonly Ban[],
  now: number,
  refuse: BanGuard,
): Recidivists {
  if (!policy) {
    if (!history?.[RECIDIVE_JAIL]) return { bans: [], history };
    const { [RECIDIVE_JAIL]: _dropped, ...rest } = history;
    return { bans: [], history: rest };
  }
  const since = now - policy.findtime;
  const table: Record<string, BanRecord> = {};
  for (const [target, r] of Object.entries(history?.[RECIDIVE_JAIL] ?? {})) {
    const times = (r.times ?? []).filter((t) => t > since);
    if (times.length > 0) table[target] = { count: times.length, until: null, times };
  }
  const inForce = new Set(kept.filter((b) => b.jail === RECIDIVE_JAIL).map((b) => b.ip));
  const bans: Ban[] = [];
  for (const b of fresh) {
    if (b.jail === RECIDIVE_JAIL) continue;
    const times = [...recentOf({ [RECIDIVE_JAIL]: table }, b.ip), b.bannedAt].filter((t) => t > since);
    table[b.ip] = { count: times.length, until: null, times };
    if (times.length < policy.maxretry || inForce.has(b.ip) || refuse(b.ip, RECIDIVE_JAIL) !== null) continue;
    inForce.add(b.ip);
    bans.push({
      ip: b.ip, jail: RECIDIVE_JAIL, bannedAt: now, expiresAt: policy.bantime === null ? null : now + policy.bantime,
      failures: times.length, firstSeen: Math.min(...times), lastSeen: now, evidence: b.evidence, ...(b.addresses ? { addresses: b.addresses } : {}),
    });
  }
  const { [RECIDIVE_JAIL]: _old, ...others } = history ?? {};
  return { bans, history: Object.keys(table).length > 0 ? { ...others, [RECIDIVE_JAIL]: table } : others };
}

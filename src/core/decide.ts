import type { BanGuard } from './ban-guard.js';
import { NO_LINES, resolveLines, type LineReader, type LineRef } from './evidence.js';
import { banDuration, escalates, priorBans, recordBans, type BanHistory, type Escalation } from './escalation.js';
import { MANUAL_JAIL } from './firewall-model.js';
import { admitBans, type JailFull, type JailLoad } from './jail-capacity.js';
import type { Ban, Pending, State } from './state.js';
import { mergeAddresses } from './block-addresses.js';
import { createCover, escalateSubnets, noteSubnetBans, type SubnetPolicy } from './subnets.js';
import { countRecidive, RECIDIVE_JAIL, type RecidivePolicy } from './recidive.js';
import { addFolded, evaluateWindow, foldPermanent, LIVE_HORIZON, mergeSorted, type Folded, type Policy } from './window.js';

export { EVIDENCE_LINES } from './evidence-lines.js';
import { EVIDENCE_LINES } from './evidence-lines.js';

export type JailPolicy = Policy & Escalation & { readonly name: string; readonly subnet?: SubnetPolicy | null };

/** One run's failures of one IP (its lines as text or handles, see core/evidence), and (reset_on_success) the times of its logins that worked, sorted. */
export type FreshPending = Omit<Pending, 'evidence'> & { readonly evidence: readonly LineRef[]; readonly resets?: readonly number[] };

/** New failures of one run: jail → ip → times (any order), the last few lines, folded failures. */
export type Incoming = ReadonlyMap<string, Pick<ReadonlyMap<string, FreshPending>, 'get' | 'keys'>>;

export type Unban = { readonly ip: string; readonly jail: string; readonly reason: string };

export type Decision = {
  readonly newBans: readonly Ban[];
  readonly unbans: readonly Unban[];
  /** Bans in force after this run (kept and new); a new ban's evidence may hold handles for `readLines`. */
  readonly bans: readonly Ban[];
  readonly windows: State['windows'];
  /** IPs that crossed the threshold but wait for the next run because of the per-run cap. */
  readonly deferred: number;
  /** Past bans of jails that escalate, with this run's new bans counted. */
  readonly history: BanHistory;
  /** Jails and families whose set was full: IPs over the threshold there keep their failures, unbanned. */
  readonly full: readonly JailFull[];
  /** Subnets that escalation would have banned but the checks of every ban refused (one line each). */
  readonly refusedSubnets: readonly string[];
};

export type DecideInput = {
  readonly now: number;
  readonly jails: readonly JailPolicy[];
  readonly state: State;
  readonly incoming: Incoming;
  /** The checks every ban passes (ban-guard): a refused IP is never banned, a refused saved ban is lifted. */
  readonly refuse: BanGuard;
  readonly maxBans: number;
  /** The saved bans passed these same checks when they were saved (the checks did not change since): not checked again. */
  readonly savedChecked?: boolean;
  /** Bans in force per jail and family when `state` holds only some of them (a partial read): what capacity counts. */
  readonly savedLoads?: readonly JailLoad[];
  /** Bans one jail holds per address family (the backend's sets); absent or null: no limit. */
  readonly capacity?: number | null;
  /** Reads back the lines `incoming` names by handle: the windows that stay pending are saved as text. */
  readonly readLines?: LineReader;
  /** [recidive]: bans across jails counted per target; absent or null: off (its bans are lifted). */
  readonly recidive?: RecidivePolicy | null;
};

function liftExpired(input: DecideInput): { kept: Ban[]; unbans: Unban[] } {
  const jailNames = new Set([MANUAL_JAIL, ...(input.recidive ? [RECIDIVE_JAIL] : []), ...input.jails.map((j) => j.name)]);
  const kept: Ban[] = [];
  const unbans: Unban[] = [];
  for (const ban of input.state.bans) {
    if (ban.expiresAt !== null && ban.expiresAt <= input.now) unbans.push({ ip: ban.ip, jail: ban.jail, reason: 'expired' });
    else if (!jailNames.has(ban.jail)) unbans.push({ ip: ban.ip, jail: ban.jail, reason: 'jail removed from config' });
    else {
      // A saved ban passes the same checks as a new one (state copied from another host, ignoreip added since).
      const refused = input.savedChecked ? null : input.refuse(ban.ip, ban.jail);
      if (refused === null) kept.push(ban);
      else unbans.push({ ip: ban.ip, jail: ban.jail, reason: `refused: ${refused}` });
    }
  }
  return { kept, unbans };
}

// The saved window's IPs, then this run's new ones (a Set of both would cost a copy of every key).
function* ipsOf(prior: Readonly<Record<string, Pending>>, fresh: Pick<ReadonlyMap<string, FreshPending>, 'keys'>): Generator<string> {
  yield* Object.keys(prior);
  for (const ip of fresh.keys()) if (!Object.hasOwn(prior, ip)) yield ip;
}

// Pure: from the saved state and one run's failures, which IPs to ban, which to lift, what stays pending.
export function decide(input: DecideInput): Decision {
  const { now, jails, state, incoming, refuse } = input;
  const lifted = liftExpired(input);
  let kept = lifted.kept;
  const unbans = lifted.unbans;
  const banned = new Set(kept.map((b) => `${b.jail} ${b.ip}`));
  // A key a block ban of its jail holds is banned already: its failures are not kept.
  const cover = createCover(kept);
  const candidates: { ban: Ban; policy: Policy; times: number[]; folded: Folded | undefined; evidence: readonly LineRef[] }[] = [];
  const windows: Record<string, Record<string, Pending>> = {};
  // Windows whose lines are read back after the loop, all in one call.
  const waiting: { jail: string; ip: string; times: readonly number[]; later?: Folded; evidence: readonly LineRef[]; addresses?: readonly string[] }[] = [];
  for (const jail of jails) {
    const out: Record<string, Pending> = {};
    const prior = state.windows[jail.name] ?? {};
    const fresh = incoming.get(jail.name) ?? new Map<string, FreshPending>();
    for (const ip of ipsOf(prior, fresh)) {
      if (banned.has(`${jail.name} ${ip}`) || cover(jail.name, ip) !== null) continue;
      const old = prior[ip];
      const add = fresh.get(ip);
      const times = mergeSorted(old?.times ?? [], add?.times ?? []);
      const folded = addFolded(old?.later, add?.later);
      const bantime = escalates(jail) ? banDuration(jail, priorBans(state.history, jail.name, ip, now)) : jail.bantime;
      const policy = { findtime: jail.findtime, maxretry: jail.maxretry, bantime };
      // A login that worked (reset_on_success) forgets the saved failures before it too.
      const { trigger, pending } = evaluateWindow(times, policy, now, folded, now - LIVE_HORIZON, add?.resets);
      // Checked after the window: on a first run over an old log most IPs drop out before this.
      if ((!trigger && pending.length === 0) || refuse(ip, jail.name) !== null) continue;
      const evidence = [...(old?.evidence ?? []), ...(add?.evidence ?? [])].slice(-EVIDENCE_LINES);
      const addresses = mergeAddresses(old?.addresses, add?.addresses);
      if (trigger) {
        const { at: _at, ...seen } = trigger;
        const ban: Ban = { ip, jail: jail.name, bannedAt: now, ...seen, evidence, ...addresses };
        candidates.push({ ban, policy, times, folded, evidence });
      } else if (pending.length > 0) {
        waiting.push({ jail: jail.name, ip, times: pending, evidence: evidence.slice(-Math.min(EVIDENCE_LINES, pending.length)), ...addresses });
      }
    }
    windows[jail.name] = out;
  }
  // Over the cap, the most recent attackers go first; the rest, and those a full jail refuses, keep
  // their failures for a later run.
  candidates.sort((a, b) => b.ban.lastSeen - a.ban.lastSeen);
  const { admitted, deferred, refused, full } = admitBans(candidates, input.savedLoads ?? kept, input.capacity ?? null, input.maxBans);
  let newBans = admitted.map((c) => c.ban);
  // Subnet escalation: a subnet with enough bans takes their place (lifted, or never applied when new).
  const escalated = escalateSubnets(jails, [...kept, ...newBans], newBans, now, refuse, state.history);
  if (escalated.subnets.length > 0) {
    const folded = new Map(escalated.subnets.flatMap((s) => s.members.map((m) => [m, s.ban.ip] as const)));
    for (const b of kept) if (folded.has(b)) unbans.push({ ip: b.ip, jail: b.jail, reason: `folded into ${folded.get(b)!}` });
    kept = kept.filter((b) => !folded.has(b));
    newBans = [...newBans.filter((b) => !folded.has(b)), ...escalated.subnets.map((s) => s.ban)];
  }
  for (const c of [...deferred, ...refused]) {
    const { times, folded } = foldPermanent(c.times, c.policy, now, c.folded);
    const addresses = c.ban.addresses ? { addresses: c.ban.addresses } : {};
    waiting.push({ jail: c.ban.jail, ip: c.ban.ip, times, evidence: c.evidence, ...(folded ? { later: folded } : {}), ...addresses });
  }
  const lines = resolveLines(waiting.map((w) => w.evidence), input.readLines ?? NO_LINES);
  waiting.forEach(({ jail, ip, ...w }, i) => { windows[jail]![ip] = { ...w, evidence: lines[i]! }; });
  const escalating = new Set(jails.filter(escalates).map((j) => j.name));
  const counted = noteSubnetBans(recordBans(state.history, newBans.filter((b) => escalating.has(b.jail)), now), jails, newBans, now);
  // Recidive: this run's bans of every jail are counted per target; the third in a day bans it everywhere.
  const recidive = countRecidive(input.recidive, counted, newBans, kept, now, refuse);
  newBans = [...newBans, ...recidive.bans];
  const history = recidive.history ?? {};
  return { newBans, unbans, bans: [...kept, ...newBans], windows, deferred: deferred.length, history, full, refusedSubnets: escalated.refused };
}

import type { BanGuard } from './ban-guard.js';
import { FLEET_JAIL, type BanEntry } from './firewall-model.js';
import { canonicalTarget, containsBlock, parseBlock } from './net.js';
import type { Ban } from './state.js';

// The fleet's decisions as logban keeps them, and the bans and unbans of this host waiting to be
// sent: pure, the engine's client (io/fleet) does the talking.

/** One decision of the engine that this host enforces: its id there, who made it and why, what it covers, until when. */
export type FleetDecision = {
  readonly id: number;
  readonly origin: string;
  readonly scenario: string;
  /** "Ip" or "Range", as the engine says. */
  readonly scope: string;
  /** The target in logban's spelling (an address or a block). */
  readonly value: string;
  /** Epoch seconds. */
  readonly until: number;
};

/** A ban or an unban of this host not yet accepted by the engine. */
export type Outgoing =
  | { readonly kind: 'ban'; readonly jail: string; readonly target: string; readonly bannedAt: number; readonly expiresAt: number | null;
    readonly failures: number; readonly firstSeen: number; readonly lastSeen: number; readonly evidence: readonly string[]; readonly addresses?: readonly string[] }
  | { readonly kind: 'unban'; readonly jail: string; readonly target: string };

/** What the state keeps of the fleet. `boot`: the boot of the last full pull (a new boot pulls in
 *  full again); `pending`: decisions were pulled and kept but not yet applied by a run that committed. */
export type FleetState = {
  readonly pulled: boolean;
  readonly boot?: string;
  readonly pending?: boolean;
  readonly decisions: readonly FleetDecision[];
  readonly outbox: readonly Outgoing[];
};

export const EMPTY_FLEET: FleetState = { pulled: false, decisions: [], outbox: [] };

/** A decision as the engine's stream gives it (CrowdSec: `GET /v1/decisions/stream`). */
export type StreamDecision = {
  readonly id?: unknown; readonly origin?: unknown; readonly scenario?: unknown; readonly scope?: unknown;
  readonly type?: unknown; readonly value?: unknown; readonly duration?: unknown;
};

/** One answer of the stream: decisions made and deleted since the last call (all of them with startup). */
export type StreamAnswer = { readonly new: readonly StreamDecision[] | null; readonly deleted: readonly StreamDecision[] | null };

const UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

// A Go duration as the engine writes it ("3h59m58.5s", "-2m1s", "300ms") in seconds, or null.
export function parseGoDuration(text: string): number | null {
  const m = /^(-?)((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text.trim());
  if (!m) return null;
  let total = 0;
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

/** What one stream answer changed: decisions kept, and the new ones this host will not enforce (one report line each). */
export type Pulled = { readonly decisions: readonly FleetDecision[]; readonly refused: readonly string[]; readonly added: number; readonly removed: number };

// A stream decision as logban keeps it, or why not: only bans of an address or a range, in a
// spelling logban reads, by an origin the config names.
function readDecision(d: StreamDecision, now: number, origins: readonly string[] | null): FleetDecision | null {
  if (typeof d.id !== 'number' || typeof d.value !== 'string' || typeof d.duration !== 'string') return null;
  if (String(d.type).toLowerCase() !== 'ban') return null;
  const scope = String(d.scope);
  if (!['ip', 'range'].includes(scope.toLowerCase())) return null;
  const origin = String(d.origin ?? '');
  if (origins !== null && !origins.includes(origin)) return null;
  const value = canonicalTarget(d.value);
  const left = parseGoDuration(d.duration);
  if (value === null || left === null || left <= 0) return null;
  return { id: d.id, origin, scenario: String(d.scenario ?? ''), scope, value, until: Math.floor(now + left) };
}

// The decisions after one stream answer: with `startup` the answer is all of them; otherwise
// the new ones are added (a decision seen again replaces itself) and the deleted ones removed
// by id (deleting one that is not there is no error: a restarted engine may repeat itself).
// Expired decisions go; a new decision the checks of every ban refuse is kept out, and named.
export function applyStream(saved: readonly FleetDecision[], answer: StreamAnswer, startup: boolean, now: number, origins: readonly string[] | null, refuse: BanGuard): Pulled {
  const byId = new Map<number, FleetDecision>(startup ? [] : saved.map((d) => [d.id, d]));
  for (const d of answer.deleted ?? []) if (typeof d.id === 'number') byId.delete(d.id);
  const refused: string[] = [];
  for (const raw of answer.new ?? []) {
    const d = readDecision(raw, now, origins);
    if (d === null) continue;
    const why = refuse(d.value, FLEET_JAIL);
    if (why === null) byId.set(d.id, d);
    else refused.push(`fleet: ${d.value} (${d.origin} ${d.scenario}) not enforced: ${why}`);
  }
  const decisions = [...byId.values()].filter((d) => d.until > now);
  const had = new Set(saved.map((d) => d.id));
  const has = new Set(decisions.map((d) => d.id));
  return { decisions, refused, added: decisions.filter((d) => !had.has(d.id)).length, removed: saved.filter((d) => !has.has(d.id)).length };
}

// The fleet's bans as the firewall takes them: one entry a target (of several decisions for one
// target, the one that lasts longest), in the fleet's own part of the firewall. `previous`
// entries that did not change are handed back as they were (a trusted apply compares records).
export function fleetEntries(decisions: readonly FleetDecision[], now: number, previous: readonly BanEntry[] = []): BanEntry[] {
  const longest = new Map<string, number>();
  for (const d of decisions) if (d.until > now) longest.set(d.value, Math.max(longest.get(d.value) ?? 0, d.until));
  const old = new Map(previous.map((e) => [e.ip, e]));
  return [...longest].map(([ip, until]) => {
    const same = old.get(ip);
    return same && same.expiresAt === until ? same : { ip, jail: FLEET_JAIL, expiresAt: until };
  });
}

// The fleet's decisions in force that hold a target (the same, or a range around it).
export function heldByFleet(decisions: readonly FleetDecision[], target: string, now: number): FleetDecision[] {
  const t = parseBlock(target);
  return decisions.filter((d) => {
    if (d.until <= now) return false;
    const b = parseBlock(d.value);
    return b !== null && t !== null && containsBlock(b, t);
  });
}

// The outbox after a run: what was waiting, then this run's new bans and unbans. A ban lifted
// before it was ever sent is never sent, nor its unban; a waiting ban that has ended goes.
export function enqueue(outbox: readonly Outgoing[], bans: readonly Ban[], unbans: readonly { ip: string; jail: string }[], now: number): Outgoing[] {
  const out: Outgoing[] = [...outbox];
  for (const b of bans) {
    if (b.jail === FLEET_JAIL) continue;
    out.push({
      kind: 'ban', jail: b.jail, target: b.ip, bannedAt: b.bannedAt, expiresAt: b.expiresAt, failures: b.failures,
      firstSeen: b.firstSeen, lastSeen: b.lastSeen, evidence: b.evidence.filter((l): l is string => typeof l === 'string'),
      ...(b.addresses ? { addresses: b.addresses } : {}),
    });
  }
  for (const u of unbans) {
    if (u.jail === FLEET_JAIL) continue;
    const waiting = out.findIndex((o) => o.kind === 'ban' && o.jail === u.jail && o.target === u.ip);
    if (waiting >= 0) out.splice(waiting, 1);
    else out.push({ kind: 'unban', jail: u.jail, target: u.ip });
  }
  return out.filter((o) => o.kind !== 'ban' || o.expiresAt === null || o.expiresAt > now);
}

/** The scenario a jail's bans carry in the engine: "logban/sshd". */
export const scenarioOf = (jail: string): string => `logban/${jail}`;

/** The engine's scope of a target: "Ip" for an address, "Range" for a block. */
export const scopeOf = (target: string): 'Ip' | 'Range' => (target.includes('/') ? 'Range' : 'Ip');

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

function decisionOk(d: unknown): boolean {
  return isObj(d) && isNum(d['id']) && isStr(d['origin']) && isStr(d['scenario']) && isStr(d['scope']) && isStr(d['value'])
    && canonicalTarget(d['value']) === d['value'] && isNum(d['until']);
}

function outgoingOk(o: unknown): boolean {
  if (!isObj(o) || !isStr(o['jail']) || !isStr(o['target']) || canonicalTarget(o['target']) !== o['target']) return false;
  if (o['kind'] === 'unban') return true;
  return o['kind'] === 'ban' && isNum(o['bannedAt']) && (o['expiresAt'] === null || isNum(o['expiresAt'])) && isNum(o['failures'])
    && isNum(o['firstSeen']) && isNum(o['lastSeen']) && Array.isArray(o['evidence']) && o['evidence'].every(isStr)
    && (o['addresses'] === undefined || (Array.isArray(o['addresses']) && o['addresses'].every(isStr)));
}

// The fleet snapshot's shape (a damaged one is reported with its path, never reset).
export function isFleetState(v: unknown): v is FleetState {
  return isObj(v) && typeof v['pulled'] === 'boolean' && (v['boot'] === undefined || isStr(v['boot'])) && (v['pending'] === undefined || typeof v['pending'] === 'boolean')
    && Array.isArray(v['decisions']) && v['decisions'].every(decisionOk) && Array.isArray(v['outbox']) && v['outbox'].every(outgoingOk);
}

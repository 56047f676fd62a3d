import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LineReader } from '../core/evidence.js';
import { checkState, EMPTY_STATE, jsonPieces, parseJson, type State } from '../core/state.js';
import type { FirewallStamp } from '../core/firewall-print.js';
import { checkHead, runFieldsOf, stateOfHead, type Head, type LogRef } from '../core/store-head.js';
import { diffIndex, historyOf, nextExpiryOf, replayBanLog, type BanIndex } from '../core/store-records.js';
import { isWhoisCache, type WhoisCache } from '../core/whois-cache.js';
import { isFleetState, type FleetState } from '../core/fleet.js';
import { changeLoads, countBans, type JailLoad } from '../core/jail-capacity.js';
import { describeWriteError } from './safe-file.js';
import { compactBanLog, compactEvidence, evidenceOf } from './store-compact.js';
import { appendAfter, createNew, DAMAGED_FIX, readCommitted, removeQuietly, replaceFile, sizeOf, type Appender } from './store-files.js';
import { checkStateDir } from './state-dir.js';
import { StateError } from './state-error.js';
import { readStateText } from './state-file.js';

export { StateError } from './state-error.js';

export const STATE_FILE = 'state.json';
/** Where a version-1 state.json is kept when the store is made from it. */
export const V1_COPY = 'state.v1.json';

/** What every run reads: the state without its bans (an empty list), and the summary of the bans. */
export type HeadView = {
  readonly state: State;
  /** Bans in force, when the last commit was made. */
  readonly live: number;
  /** When the next of them ends (null: none does). */
  readonly nextExpiry: number | null;
  /** Changes with every commit that put or lifted a ban. */
  readonly banGeneration: number;
  /** The checks the saved bans last passed. */
  readonly guard: string | undefined;
  /** True when `state` already holds every ban (a first run, or a version-1 file being moved in). */
  readonly complete: boolean;
  /** The state was read from a version-1 state.json: the next save moves it into the store. */
  readonly fromV1: boolean;
  /** What the firewall looked like after the last full read. */
  readonly firewall: FirewallStamp | undefined;
  /** Bans in force per jail and family (absent in heads that did not count them). */
  readonly loads: readonly JailLoad[] | undefined;
};

/** Head fields that are not part of the state: the checks the bans passed, the firewall's stamp (null: none); `lines` reads back the new bans' evidence named by handle. */
export type SaveOptions = { readonly guard?: string; readonly firewall?: FirewallStamp | null; readonly lines?: LineReader };

export type StateStore = {
  readonly path: string;
  /** Cheap whatever the number of bans: the head only. A missing state is a first run; anything damaged is an error, never a reset. */
  readonly loadHead: () => HeadView;
  /** The state with its bans in force and their history (no evidence lines, no whois answers). */
  readonly load: () => State;
  /** The state with the bans and history of these addresses only (what a run with a few new failures needs). */
  readonly loadSome: (ips: ReadonlySet<string>) => State;
  /** The state as reports see one address: its bans with their evidence lines, its whois answer. */
  readonly loadFor: (ip: string) => State;
  /** The saved whois answers. */
  readonly loadWhois: () => WhoisCache | undefined;
  /** What the fleet part holds ([fleet]); absent: nothing pulled or waiting yet. */
  readonly loadFleet: () => FleetState | undefined;
  /** Commits `next`, writing only what differs from `base` (what was loaded), in one atomic step. */
  readonly save: (next: State, base: State, opts?: SaveOptions) => void;
  /** Temp files a killed run left behind. */
  readonly leftovers: () => string[];
};

/** A log is rewritten without its dead records once they outnumber the live ones by this much. */
const COMPACT_SLACK = 4096;
const OWN_FILE = /^(bans|evidence|whois|fleet)\.\d+\.(log|json)$/;

type Loaded = { readonly head: Head | null; readonly v1: State | null; readonly v1Text: string | null };

function damaged(where: string, message: string): StateError {
  return new StateError(`${where}: ${message}; the file was left as it is: ${DAMAGED_FIX}`);
}

function readLoaded(dir: string, path: string): Loaded {
  if (!checkStateDir(dir, false)) return { head: null, v1: null, v1Text: null };
  const text = readStateText(path);
  if (text === null) return { head: null, v1: null, v1Text: null };
  const data = parseJson(text);
  const fail = (p: { message: string; line?: number }) => damaged(p.line !== undefined ? `${path}:${p.line}` : path, p.message);
  if (!data.ok) throw fail(data.error);
  if ((data.value as { version?: unknown } | null)?.version === 1) {
    const v1 = checkState(data.value);
    if (!v1.ok) throw fail(v1.error);
    return { head: null, v1: v1.value, v1Text: text };
  }
  const head = checkHead(data.value);
  if (!head.ok) throw damaged(path, head.error);
  // The cheap check of every run: the logs the head names are there and hold what it committed.
  for (const ref of [head.value.bans, head.value.evidence]) {
    const size = sizeOf(join(dir, ref.file));
    if (size === null) throw new StateError(`${join(dir, ref.file)}: this file of the state is missing; ${DAMAGED_FIX}`);
    if (size < 0) throw new StateError(`${join(dir, ref.file)}: is not a regular file (a link, a directory?); logban does not follow links in its state dir: put the file itself in its place`);
    if (size < ref.bytes) throw new StateError(`${join(dir, ref.file)}: is shorter (${size} bytes) than the state's head says (${ref.bytes}); ${DAMAGED_FIX}`);
  }
  return { head: head.value, v1: null, v1Text: null };
}

// The state dir's store: state.json is the head (the commit point), bans.N.log the ban log,
// evidence.N.log the evidence lines, whois.N.json the whois answers. Every use checks the dir.
export function createStateStore(dir: string): StateStore {
  const path = join(dir, STATE_FILE);
  let loaded: Loaded | null = null;
  let index: BanIndex | null = null;
  /** The last load read some bans only: the head's counts are updated by difference, no log is compacted. */
  let partial = false;
  const current = () => (loaded ??= readLoaded(dir, path));

  const readIndex = (head: Head, ips?: ReadonlySet<string>): BanIndex => {
    const file = join(dir, head.bans.file);
    const r = replayBanLog(readCommitted(file, head.bans.bytes), ips);
    if (!r.ok) throw damaged(`${file}:${r.error.line}`, r.error.message);
    return r.value;
  };

  // The index with the head it belongs to. A reader without the lock (status, report) can find a
  // log just replaced by a scan's commit: the head is then read again, once.
  const indexOf = (head: Head, ips?: ReadonlySet<string>): { head: Head; index: BanIndex } => {
    try {
      return { head, index: readIndex(head, ips) };
    } catch (e) {
      const again = e instanceof StateError ? readLoaded(dir, path) : null;
      if (!again?.head || again.head.generation === head.generation) throw e;
      loaded = again;
      return { head: again.head, index: readIndex(again.head, ips) };
    }
  };

  const loadWhois = (): WhoisCache | undefined => {
    const { head, v1 } = current();
    if (v1) return v1.whois;
    if (!head?.whois) return undefined;
    const file = join(dir, head.whois);
    const data = parseJson(readCommitted(file, sizeOf(file) ?? 0));
    if (!data.ok || !isWhoisCache(data.value)) throw damaged(file, data.ok ? 'not whois answers' : data.error.message);
    return data.value;
  };

  const loadFleet = (): FleetState | undefined => {
    const { head } = current();
    if (!head?.fleet) return undefined;
    const file = join(dir, head.fleet);
    const data = parseJson(readCommitted(file, sizeOf(file) ?? 0));
    if (!data.ok || !isFleetState(data.value)) throw damaged(file, data.ok ? 'not the fleet\'s decisions' : data.error.message);
    return data.value;
  };

  const stateOf = (head: Head, idx: BanIndex): State => {
    const history = historyOf(idx);
    return { ...stateOfHead(head), bans: [...idx.bans.values()], ...(history ? { history } : {}) };
  };

  return {
    path,
    loadHead() {
      const { head, v1 } = current();
      if (v1) return { state: v1, live: v1.bans.length, nextExpiry: nextExpiryOf(v1.bans), banGeneration: 0, guard: undefined, complete: true, fromV1: true, firewall: undefined, loads: undefined };
      if (!head) return { state: EMPTY_STATE, live: 0, nextExpiry: null, banGeneration: 0, guard: undefined, complete: true, fromV1: false, firewall: undefined, loads: [] };
      return { state: stateOfHead(head), live: head.bans.live, nextExpiry: head.bans.nextExpiry, banGeneration: head.banGeneration, guard: head.guard, complete: false, fromV1: false, firewall: head.firewall, loads: head.bans.loads };
    },
    load() {
      const { head, v1 } = current();
      if (v1) return v1;
      if (!head) return EMPTY_STATE;
      const read = index ? { head, index } : indexOf(head);
      index = read.index;
      return stateOf(read.head, read.index);
    },
    loadSome(ips) {
      const { head, v1 } = current();
      if (v1 || !head) return this.load();
      partial = true;
      const read = indexOf(head, ips);
      return stateOf(read.head, read.index);
    },
    loadFor(ip) {
      const { head, v1 } = current();
      if (v1) return v1;
      if (!head) return EMPTY_STATE;
      const read = indexOf(head, new Set([ip]));
      const state = stateOf(read.head, read.index);
      const lines = evidenceOf(join(dir, read.head.evidence.file), read.head.evidence.bytes, ip);
      const bans = state.bans.map((b) => ({ ...b, evidence: lines.get(`${b.jail} ${b.bannedAt}`) ?? [] }));
      const whois = loadWhois();
      return { ...state, bans, ...(whois?.[ip] ? { whois: { [ip]: whois[ip] } } : {}) };
    },
    loadWhois,
    loadFleet,
    save(next, base, opts) {
      checkStateDir(dir, true);
      const { head, v1Text } = current();
      try {
        loaded = { head: commit({ dir, path, head, v1Text, bansLoaded: head === null || index !== null || base.bans.length > 0, partial: partial && index === null }, next, head === null ? EMPTY_STATE : base, opts ?? {}), v1: null, v1Text: null };
        index = null;
        partial = false;
      } catch (e) {
        throw saveError(path, e);
      }
    },
    leftovers() {
      try {
        return readdirSync(dir).filter((f) => f.startsWith(`${STATE_FILE}.tmp-`)).map((f) => join(dir, f));
      } catch {
        return [];
      }
    },
  };
}

// `name`, or when a file of that name is there already (an older move), the first free `name` with a number.
function freeName(dir: string, name: string): string {
  if (sizeOf(join(dir, name)) === null) return name;
  for (let n = 2; ; n++) {
    const other = name.replace(/\.json$/, `.${n}.json`);
    if (sizeOf(join(dir, other)) === null) return other;
  }
}

// The earlier of two ends (null: none).
function minExpiry(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function saveError(path: string, e: unknown): StateError {
  if (e instanceof StateError) return e;
  const { reason, fix } = describeWriteError(e);
  return new StateError(`${path}: cannot save the state (${reason}); ${fix}; the previous state is kept`, { cause: e });
}

type CommitCtx = { readonly dir: string; readonly path: string; readonly head: Head | null; readonly v1Text: string | null; readonly bansLoaded: boolean; readonly partial: boolean };

// One commit: append what changed to the logs (or rewrite a log whose dead records pile up), write
// a new whois snapshot when it changed, then replace the head; nothing counts until the head's rename.
function commit(ctx: CommitCtx, next: State, base: State, opts: SaveOptions): Head {
  const { dir, head } = ctx;
  const generation = (head?.generation ?? 0) + 1;
  const named = (prefix: string, ext: string) => `${prefix}.${generation}.${ext}`;
  const open = (ref: LogRef | undefined, prefix: string): { file: string; out: Appender; records: number } => (ref
    ? { file: ref.file, out: appendAfter(join(dir, ref.file), ref.bytes), records: ref.records }
    : { file: named(prefix, 'log'), out: createNew(join(dir, named(prefix, 'log'))), records: 0 });
  const bansLog = open(head?.bans, 'bans');
  const evidenceLog = open(head?.evidence, 'evidence');
  const delta = diffIndex(base, next, { bans: (l) => bansLog.out.add(l), evidence: (l) => evidenceLog.out.add(l), ...(opts.lines ? { lines: opts.lines } : {}) });
  const bytesOf = (log: { out: Appender }) => {
    const n = log.out.bytes();
    log.out.close();
    return n;
  };
  let bans: LogRef = { file: bansLog.file, bytes: bytesOf(bansLog), records: bansLog.records + delta.records };
  let evidence: LogRef = { file: evidenceLog.file, bytes: bytesOf(evidenceLog), records: evidenceLog.records + delta.evidenceRecords };
  const whole = ctx.bansLoaded && !ctx.partial;
  // With all bans read they are counted; with some, the head's figures move by the difference.
  const live = whole || head === null ? next.bans.length : head.bans.live + next.bans.length - base.bans.length;
  const added = new Set(base.bans);
  const fresh = next.bans.filter((b) => !added.has(b));
  const nextExpiry = whole || head === null ? nextExpiryOf(next.bans) : minExpiry(head.bans.nextExpiry, nextExpiryOf(fresh));
  const inNext = new Set(next.bans);
  const loads = whole || head === null ? countBans(next.bans)
    : head.bans.loads && changeLoads(head.bans.loads, fresh, base.bans.filter((b) => !inNext.has(b)));
  if (whole && bans.records > 2 * live + COMPACT_SLACK) bans = compactBanLog(dir, named('bans', 'log'), next);
  if (whole && evidence.records > 2 * live + COMPACT_SLACK) evidence = compactEvidence(dir, evidence, named('evidence', 'log'), next.bans);
  // A snapshot (whois answers, the fleet's part) is written anew under the next number when it changed.
  const snapshot = (prefix: 'whois' | 'fleet', value: object | undefined, was: object | undefined, file: string | undefined) => {
    if (value === was || value === undefined) return file;
    const name = named(prefix, 'json');
    const out = createNew(join(dir, name));
    for (const piece of jsonPieces(value)) out.add(piece);
    out.close();
    return name;
  };
  const whois = snapshot('whois', next.whois, base.whois, head?.whois);
  const fleet = snapshot('fleet', next.fleet, base.fleet, head?.fleet);
  if (ctx.v1Text !== null) {
    // The version-1 file is kept beside the new store, whole, before the head takes its name.
    const copy = createNew(join(dir, freeName(dir, V1_COPY)));
    copy.add(ctx.v1Text);
    copy.close();
  }
  const stamp = opts.firewall === null ? undefined : opts.firewall ?? head?.firewall;
  const newHead: Head = {
    version: 2, generation, banGeneration: (head?.banGeneration ?? 0) + (delta.banRecords > 0 || head === null ? 1 : 0), ...runFieldsOf(next),
    bans: { ...bans, live, nextExpiry, ...(loads ? { loads } : {}) }, evidence, ...(whois ? { whois } : {}), ...(fleet ? { fleet } : {}), ...(opts.guard ?? head?.guard ? { guard: opts.guard ?? head?.guard } : {}),
    ...(stamp ? { firewall: stamp } : {}),
  };
  replaceFile(dir, ctx.path, jsonPieces(newHead));
  // The files of the store the new head no longer names (replaced logs and snapshots, a killed run's).
  const kept = new Set([bans.file, evidence.file, whois, fleet]);
  removeQuietly(readdirSync(dir).filter((f) => OWN_FILE.test(f) && !kept.has(f)).map((f) => join(dir, f)));
  return newHead;
}

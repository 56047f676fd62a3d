import { HARD_MAX_BANTIME, type BanHistory } from './escalation.js';
import type { AttemptInput, OpenSlot } from './attempts.js';
import type { Folded } from './window.js';
import type { LineRef } from './evidence.js';
import { canonicalIp } from './ip.js';
import { isCanonicalTarget } from './net.js';
import { err, ok, type Result } from './result.js';
import { isWhoisCache, type WhoisCache } from './whois-cache.js';
import type { FleetState } from './fleet.js';

// Where the last run stopped in one log, and which file that was: by inode, and by content (a
// digest of its first headLen bytes, and of the bytes just before the offset) so the file is
// recognised after logrotate renamed, gzipped or copied and truncated it.
export type FileCursor = {
  readonly offset: number;
  readonly dev: number;
  readonly ino: number;
  readonly head?: string;
  readonly headLen?: number;
  /** Digest of the bytes before `offset`; absent when the cursor is inside a .gz. */
  readonly tail?: string;
  /** When this run read it (epoch seconds). */
  readonly readAt?: number;
  /** The rotated file the cursor is in, when a catch-up could not finish (a .gz still being written). */
  readonly inFile?: string;
  /** The file's modification time (ms) when it was read: unchanged with the same size and inode, nothing was written since. */
  readonly mtime?: number;
};

// Failures of one IP in one jail that have not (yet) led to a ban; times in epoch seconds.
// `later`: failures after a permanent ban found in `times` kept only as a count (absent in older
// state files; see foldPermanent).
// `addresses`: when the key is a block (ipv6_prefix, ipv4_prefix), the newest addresses seen in it.
export type Pending = {
  readonly times: readonly number[]; readonly evidence: readonly string[]; readonly later?: Folded; readonly addresses?: readonly string[];
};

export type Ban = {
  /** The target: one address, or a block ("2001:db8:1:2::/64") when the jail counts by prefix or a subnet was banned. */
  readonly ip: string;
  readonly jail: string;
  readonly bannedAt: number;
  /** null: permanent. */
  readonly expiresAt: number | null;
  readonly failures: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** The newest log lines; a ban decided this run may name some by handle (see core/evidence), saved ones are text. */
  readonly evidence: readonly LineRef[];
  /** A block's newest addresses seen failing (absent for a single address). */
  readonly addresses?: readonly string[];
};

export type State = {
  readonly version: 1;
  readonly files: Readonly<Record<string, FileCursor>>;
  readonly windows: Readonly<Record<string, Readonly<Record<string, Pending>>>>;
  readonly bans: readonly Ban[];
  /** Attempts still open when the last run ended (jail → source → keys), resumed by the next. */
  readonly carry?: Readonly<Record<string, Readonly<Record<string, readonly OpenSlot<AttemptInput>[]>>>>;
  /** The journal cursor each journald source stopped at, by source key. */
  readonly journals?: Readonly<Record<string, string>>;
  /** The kernel boot the bans were last applied in; a new boot means the firewall was emptied. */
  readonly bootId?: string;
  /** Past bans per jail and IP, for longer bans of repeat offenders (absent in older state files). */
  readonly history?: BanHistory;
  /** whois answers for banned IPs (optional: older state files have none). */
  readonly whois?: WhoisCache;
  /** [fleet]: the engine's decisions this host enforces, and its bans and unbans not yet sent. */
  readonly fleet?: FleetState;
  /** [[blocklist]]: each list file as the firewall last took it in (its identity: inode, size, mtime). */
  readonly lists?: Readonly<Record<string, string>>;
};

export const EMPTY_STATE: State = { version: 1, files: {}, windows: {}, bans: [] };

export type StateProblem = { readonly message: string; readonly line?: number };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function lineOf(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

function checkHistory(h: unknown): boolean {
  const recordOk = (r: unknown) => isObj(r) && Number.isInteger(r['count']) && (r['count'] as number) >= 1 && (r['until'] === null || isNum(r['until']))
    && optional(r['times'], (t) => Array.isArray(t) && t.every(isNum));
  return isObj(h) && Object.values(h).every((ips) => isObj(ips) && Object.entries(ips).every(([ip, r]) => isCanonicalTarget(ip) && recordOk(r)));
}

function checkBan(b: unknown): b is Ban {
  return isObj(b) && typeof b['ip'] === 'string' && isCanonicalTarget(b['ip']) && typeof b['jail'] === 'string'
    && isNum(b['bannedAt']) && (b['expiresAt'] === null || isNum(b['expiresAt'])) && isNum(b['failures'])
    && isNum(b['firstSeen']) && isNum(b['lastSeen']) && isStrList(b['evidence']) && optional(b['addresses'], isAddressList);
}

const optional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v);
// A block's addresses: single addresses, or for a subnet the blocks (IPv6 /64s) banned in it.
const isAddressList = (v: unknown) => isStrList(v) && v.every(isCanonicalTarget);
const isStr = (v: unknown) => typeof v === 'string';

function cursorOk(c: unknown): boolean {
  return isObj(c) && isNum(c['offset']) && c['offset'] >= 0 && isNum(c['dev']) && isNum(c['ino'])
    && optional(c['head'], isStr) && optional(c['headLen'], isNum) && optional(c['tail'], isStr)
    && optional(c['readAt'], isNum) && optional(c['inFile'], isStr) && optional(c['mtime'], isNum);
}

function attemptOk(a: unknown): boolean {
  return isObj(a) && typeof a['ip'] === 'string' && canonicalIp(a['ip']) === a['ip'] && isNum(a['time']) && isNum(a['pattern'])
    && typeof a['line'] === 'string' && ['fail', 'companion', 'success'].includes(a['role'] as string) && optional(a['key'], isStr)
    && optional(a['user'], isStr);
}

function openSlotOk(o: unknown): boolean {
  // `user` is absent in state files older than the per-user attempts (read as: no user named).
  return isObj(o) && isStr(o['id']) && typeof o['keyed'] === 'boolean' && isStr(o['ip']) && optional(o['user'], isStr) && Array.isArray(o['pending'])
    && o['pending'].every(attemptOk) && [null, 'fail', 'success'].includes(o['settled'] as string | null) && isNum(o['last']);
}

const foldedOk = (f: unknown) => isObj(f) && Number.isInteger(f['count']) && (f['count'] as number) >= 1 && isNum(f['last']);
const pendingOk = (p: unknown) => isObj(p) && Array.isArray(p['times']) && p['times'].every(isNum) && isStrList(p['evidence']) && optional(p['later'], foldedOk)
  && optional(p['addresses'], isAddressList);

// The fields every run reads (cursors, windows, open attempts, journal cursors, boot): what is
// damaged, or null. Shared by the version-1 file and the store's head.
export function checkRunFields(data: Record<string, unknown>): string | null {
  const { files, windows } = data;
  if (!isObj(files) || !Object.values(files).every(cursorOk)) return '"files" is damaged';
  if (!isObj(windows) || !Object.values(windows).every((w) => isObj(w) && Object.values(w).every(pendingOk))) return '"windows" is damaged';
  if (!optional(data['carry'], (c) => isObj(c) && Object.values(c).every((j) => isObj(j) && Object.values(j).every((l) => Array.isArray(l) && l.every(openSlotOk))))) {
    return '"carry" is damaged';
  }
  if (!optional(data['journals'], (j) => isObj(j) && Object.values(j).every(isStr))) return '"journals" is damaged';
  if (data['bootId'] !== undefined && typeof data['bootId'] !== 'string') return '"bootId" is damaged';
  if (!optional(data['lists'], (l) => isObj(l) && Object.values(l).every(isStr))) return '"lists" is damaged';
  return null;
}

// A state file that does not parse or has the wrong shape is refused, never reset.
export function parseState(text: string): Result<State, StateProblem> {
  const parsed = parseJson(text);
  return parsed.ok ? checkState(parsed.value) : parsed;
}

// JSON text, or where it stops being JSON (the line, for the one line on stderr).
export function parseJson(text: string): Result<unknown, StateProblem> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /position (\d+)/.exec(message);
    return err({ message: `not valid JSON (${message})`, ...(pos ? { line: lineOf(text, Number(pos[1])) } : {}) });
  }
}

// A version-1 state file's data, checked.
export function checkState(data: unknown): Result<State, StateProblem> {
  if (!isObj(data) || data['version'] !== 1) return err({ message: 'not a logban state file (version 1 expected)' });
  const problem = checkRunFields(data);
  if (problem !== null) return err({ message: problem });
  if (!Array.isArray(data['bans']) || !data['bans'].every(checkBan)) return err({ message: '"bans" is damaged' });
  if (data['history'] !== undefined && !checkHistory(data['history'])) return err({ message: '"history" is damaged' });
  if (!optional(data['whois'], isWhoisCache)) return err({ message: '"whois" is damaged' });
  return ok(clampBans(data as State));
}

// Older versions accepted any bantime, and saved bans that end after the year 275760, which no
// date can hold: such a ban is read as the longest ban logban gives now (ten years from its start).
function clampBans(state: State): State {
  const tooLong = (b: Ban) => b.expiresAt !== null && b.expiresAt - b.bannedAt > HARD_MAX_BANTIME;
  if (!state.bans.some(tooLong)) return state;
  return { ...state, bans: state.bans.map((b) => (tooLong(b) ? { ...b, expiresAt: b.bannedAt + HARD_MAX_BANTIME } : b)) };
}

// The state file's text: JSON, one space per level (a person can read and diff it).
export function serializeState(state: State): string {
  return [...jsonPieces(state)].join('');
}

/** Pieces are cut once they reach this many characters. */
const PIECE_CHARS = 1 << 20;

// Any record as serializeState writes a state (JSON, one space per level), in pieces of about a MiB
// written as they come: a first scan with permanent bans can leave 100k+ windows waiting for
// --max-bans, and the whole text at once (and its UTF-8 copy) would cost more than the run holds.
export function* jsonPieces(value: object): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const part of jsonParts(value, 0, 2)) {
    parts.push(part);
    size += part.length;
    if (size >= PIECE_CHARS) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  parts.push('\n');
  yield parts.join('');
}

// JSON.stringify(value, null, 1) at nesting `depth`, split into parts down to `levels` more
// levels of objects and arrays (deeper values are stringified whole and indented to match).
function* jsonParts(value: unknown, depth: number, levels: number): Generator<string> {
  const isArray = Array.isArray(value);
  if (levels < 0 || typeof value !== 'object' || value === null || (typeof (value as { toJSON?: unknown }).toJSON === 'function')) {
    yield (JSON.stringify(value, null, 1) ?? 'null').replaceAll('\n', `\n${' '.repeat(depth)}`);
    return;
  }
  const inner = `\n${' '.repeat(depth + 1)}`;
  const entries = isArray ? (value as unknown[]).map((v) => [null, v] as const) : Object.entries(value as object);
  let first = true;
  for (const [key, v] of entries) {
    if (!isArray && (v === undefined || typeof v === 'function' || typeof v === 'symbol')) continue;
    yield `${first ? (isArray ? '[' : '{') : ','}${inner}${key === null ? '' : `${JSON.stringify(key)}: `}`;
    first = false;
    yield* jsonParts(v, depth + 1, levels - 1);
  }
  yield first ? (isArray ? '[]' : '{}') : `\n${' '.repeat(depth)}${isArray ? ']' : '}'}`;
}

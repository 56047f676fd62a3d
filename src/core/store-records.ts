import type { BanHistory, BanRecord } from './escalation.js';
import { isCanonicalTarget } from './net.js';
import { err, ok, type Result } from './result.js';
import { NO_LINES, withLines, type LineReader, type WithText } from './evidence.js';
import type { Ban } from './state.js';

// The ban log of the state store: one JSON array a line, appended by each run that changed a ban
// or a past-ban record, replayed in order (a later line for the same jail and IP wins).
//   ["b", jail, ip, bannedAt, expiresAt|null, failures, firstSeen, lastSeen(, addresses)]   a ban in force
//     (ip: the target, an address or a block; addresses: a block's newest addresses seen failing)
//   ["u", jail, ip]                                                            the ban was lifted
//   ["h", jail, ip, count, until|null(, times)]                                past bans (escalation; the
//     recidive jail's times: when each ban of the ip in any jail that still counts was made)
//   ["x", jail, ip]                                                            past bans forgotten
// The evidence log holds what only reports read, one line a new ban:
//   ["e", jail, ip, bannedAt, [log lines]]
export type BanIndex = { readonly bans: Map<string, Ban>; readonly history: Map<string, { jail: string; ip: string; record: BanRecord }> };

export type RecordProblem = { readonly message: string; readonly line: number };

export const keyOf = (jail: string, ip: string): string => `${jail} ${ip}`;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTime = (v: unknown): v is number | null => v === null || isNum(v);
const isTimes = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
// A dotted quad in its one spelling passes a regex; anything else is spelt out and compared.
const CANONICAL_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const isIp = (v: unknown): v is string => typeof v === 'string' && (CANONICAL_V4.test(v) || isCanonicalTarget(v));
const isAddresses = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === 'string' && isCanonicalTarget(a));
// The bans read from the log carry no evidence lines (those are in the evidence log): one shared empty list.
const NO_EVIDENCE: readonly string[] = Object.freeze([]);

export function banLine(b: Ban): string {
  const fields = ['b', b.jail, b.ip, b.bannedAt, b.expiresAt, b.failures, b.firstSeen, b.lastSeen];
  return `${JSON.stringify(b.addresses && b.addresses.length > 0 ? [...fields, b.addresses] : fields)}\n`;
}

export function liftLine(jail: string, ip: string): string {
  return `${JSON.stringify(['u', jail, ip])}\n`;
}

export function historyLine(jail: string, ip: string, r: BanRecord | null): string {
  return `${JSON.stringify(r === null ? ['x', jail, ip] : r.times ? ['h', jail, ip, r.count, r.until, r.times] : ['h', jail, ip, r.count, r.until])}\n`;
}

export function evidenceLine(b: WithText<Ban>): string {
  return `${JSON.stringify(['e', b.jail, b.ip, b.bannedAt, b.evidence])}\n`;
}

// Applies one ban-log record to the index; a record of the wrong shape is a problem, not skipped.
function applyRecord(index: BanIndex, r: unknown): string | null {
  if (!Array.isArray(r) || typeof r[1] !== 'string' || !isIp(r[2])) return 'not a ban record';
  const [kind, jail, ip] = r as [unknown, string, string];
  const key = keyOf(jail, ip);
  if (kind === 'b' && (r.length === 8 || (r.length === 9 && isAddresses(r[8]))) && isNum(r[3]) && isTime(r[4]) && isNum(r[5]) && isNum(r[6]) && isNum(r[7])) {
    const addresses = r.length === 9 ? { addresses: r[8] as string[] } : {};
    index.bans.set(key, { ip, jail, bannedAt: r[3], expiresAt: r[4], failures: r[5], firstSeen: r[6], lastSeen: r[7], evidence: NO_EVIDENCE, ...addresses });
  } else if (kind === 'u' && r.length === 3) {
    index.bans.delete(key);
  } else if (kind === 'h' && (r.length === 5 || (r.length === 6 && isTimes(r[5]))) && Number.isInteger(r[3]) && r[3] >= 1 && isTime(r[4])) {
    index.history.set(key, { jail, ip, record: { count: r[3], until: r[4], ...(r.length === 6 ? { times: r[5] as number[] } : {}) } });
  } else if (kind === 'x' && r.length === 3) {
    index.history.delete(key);
  } else {
    return 'not a ban record';
  }
  return null;
}

// The address field of a record line, read without parsing it (jail names are plain: no quote in them).
function ipOfLine(line: string): string {
  const at = line.indexOf('","', 6);
  return at < 0 ? '' : line.slice(at + 3, line.indexOf('"', at + 3));
}

// The index a ban log's text describes (the text ends with a newline: only committed bytes); with
// `ips`, only those addresses' records are parsed (a report on one address, a run with a few new
// failures), and every block's: a block may hold one of them (a new ban inside it is no new ban).
export function replayBanLog(text: string, ips?: ReadonlySet<string>): Result<BanIndex, RecordProblem> {
  const index: BanIndex = { bans: new Map(), history: new Map() };
  if (text !== '' && !text.endsWith('\n')) return err({ message: 'the last record is cut short', line: text.split('\n').length });
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  const wants = (ip: string) => ips!.has(ip) || ip.includes('/');
  const wanted = ips === undefined ? lines : lines.map((l) => (wants(ipOfLine(l)) ? l : 'null'));
  let records: unknown[] | null = null;
  try {
    // One parse of the whole log is several times faster than one a line; a line that is not JSON is found below.
    records = JSON.parse(`[${wanted.join(',')}]`) as unknown[];
    if (records.length !== lines.length) records = null;
  } catch {
    records = null;
  }
  for (let i = 0; i < lines.length; i++) {
    let record: unknown;
    if (records !== null) record = records[i];
    else {
      try {
        record = JSON.parse(wanted[i]!);
      } catch {
        return err({ message: 'not valid JSON', line: i + 1 });
      }
    }
    if (record === null && wanted[i] === 'null' && lines[i] !== 'null') continue;
    if (ips !== undefined && Array.isArray(record) && !wants(String(record[2]))) continue;
    const problem = applyRecord(index, record);
    if (problem !== null) return err({ message: problem, line: i + 1 });
  }
  return ok(index);
}

// An evidence record, or null when the line is not one (the caller names the line).
export function parseEvidence(text: string): { jail: string; ip: string; bannedAt: number; lines: string[] } | null {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(r) || r.length !== 5 || r[0] !== 'e' || typeof r[1] !== 'string' || !isIp(r[2]) || !isNum(r[3])) return null;
  const lines = r[4];
  if (!Array.isArray(lines) || !lines.every((l) => typeof l === 'string')) return null;
  return { jail: r[1], ip: r[2], bannedAt: r[3], lines };
}

// The history table of the index, in the shape the core uses.
export function historyOf(index: BanIndex): BanHistory | undefined {
  if (index.history.size === 0) return undefined;
  const out: Record<string, Record<string, BanRecord>> = {};
  for (const { jail, ip, record } of index.history.values()) (out[jail] ??= {})[ip] = record;
  return out;
}

const sameBan = (a: Ban, b: Ban) => a.bannedAt === b.bannedAt && a.expiresAt === b.expiresAt && a.failures === b.failures
  && a.firstSeen === b.firstSeen && a.lastSeen === b.lastSeen;

/** How many records one commit appends to each log; `banRecords` put or lift a ban (the firewall changes). */
export type Delta = { readonly records: number; readonly evidenceRecords: number; readonly banRecords: number };

/** Receives the lines of a commit as they are made (a first scan can append 100k+ bans); `lines` reads back the new bans' evidence named by handle. */
export type DeltaSink = { readonly bans: (line: string) => void; readonly evidence: (line: string) => void; readonly lines?: LineReader };

// The lines that turn the bans and history of `base` into those of `next`: only what changed.
export function diffIndex(base: { bans: readonly Ban[]; history?: BanHistory }, next: { bans: readonly Ban[]; history?: BanHistory }, sink: DeltaSink): Delta {
  let records = 0;
  let evidenceRecords = 0;
  const put = (line: string) => {
    sink.bans(line);
    records++;
  };
  // A ban carried over is the same record (decide keeps the objects): only the others are looked up.
  const same = new Set(base.bans);
  const fresh = next.bans.filter((b) => !same.has(b));
  const kept = new Set(next.bans);
  const before = new Map(base.bans.filter((b) => !kept.has(b)).map((b) => [keyOf(b.jail, b.ip), b]));
  const seen = new Set<string>();
  for (const b of withLines(fresh, sink.lines ?? NO_LINES)) {
    const key = keyOf(b.jail, b.ip);
    seen.add(key);
    const old = before.get(key);
    if (old && sameBan(old, b)) continue;
    put(banLine(b));
    if (b.evidence.length > 0) {
      sink.evidence(evidenceLine(b));
      evidenceRecords++;
    }
  }
  for (const [key, b] of before) if (!seen.has(key)) put(liftLine(b.jail, b.ip));
  const banRecords = records;
  for (const [jail, ips] of Object.entries(next.history ?? {})) {
    for (const [ip, r] of Object.entries(ips)) {
      const old = base.history?.[jail]?.[ip];
      if (!old || old.count !== r.count || old.until !== r.until || String(old.times) !== String(r.times)) put(historyLine(jail, ip, r));
    }
  }
  for (const [jail, ips] of Object.entries(base.history ?? {})) {
    for (const ip of Object.keys(ips)) if (!next.history?.[jail]?.[ip]) put(historyLine(jail, ip, null));
  }
  return { records, evidenceRecords, banRecords };
}

// When the next ban ends (null: none does), for knowing without the index whether a run lifts one.
export function nextExpiryOf(bans: Iterable<Ban>): number | null {
  let next: number | null = null;
  for (const b of bans) if (b.expiresAt !== null && (next === null || b.expiresAt < next)) next = b.expiresAt;
  return next;
}

import { EVIDENCE_LINES, type FreshPending } from './decide.js';
import { foldPermanent, type Folded, type Policy } from './window.js';

type Entry = {
  times: number[];
  /** The newest evidence lines as one flat copy, each line ended by "\n" ("" for none). */
  kept: string;
  later: { count: number; last: number } | undefined;
  /** A permanent ban's first trigger time once found: later failures are counted, not kept. */
  at: number | undefined;
  foldAt: number;
  /** Lines of the current chunk not yet copied into `kept`, newest last. */
  recent: string[] | undefined;
  /** Times of logins that worked (reset_on_success), unsorted. */
  resets: number[] | undefined;
};

/** This run's failures of one jail by IP: what decide() reads. */
export type Failures = Pick<ReadonlyMap<string, FreshPending>, 'get' | 'keys'>;

export type FailureTally = {
  /** One counted attempt: its IP, time (epoch seconds) and log line (may be cut from a chunk). */
  readonly add: (ip: string, time: number, line: string) => void;
  /** A login of the IP that worked (reset_on_success): the failures before it are forgotten (see evaluateWindow). */
  readonly reset: (ip: string, time: number) => void;
  /** Called after each chunk of text: copies the evidence lines it holds, so the chunk can be freed. */
  readonly settle: () => void;
  readonly failures: Failures;
};

// Fold again once the times have doubled since the last fold, and never below this many.
const MIN_FOLD = 16;

function lastLines(kept: string, recent: readonly string[]): string[] {
  if (recent.length >= EVIDENCE_LINES || kept === '') return recent.slice(-EVIDENCE_LINES);
  return [...kept.split('\n').slice(0, -1), ...recent].slice(-EVIDENCE_LINES);
}

// Collects a jail's failures per IP while its logs are read. With permanent bans nothing is old
// enough to skip, so every line of a big first scan lands here; each IP keeps about maxretry
// times (the rest folded into a count, see foldPermanent) and its last EVIDENCE_LINES lines as
// one string copied once per chunk, not once per line.
export function createFailureTally(policy: Policy, now: number): FailureTally {
  const entries = new Map<string, Entry>();
  // Entries with lines of the current chunk: copied by settle().
  const dirty: Entry[] = [];
  const folds = policy.bantime === null;
  const windowStart = now - policy.findtime;

  const fold = (entry: Entry) => {
    const resets = entry.resets?.sort((a, b) => a - b);
    const { times, folded, at } = foldPermanent(entry.times.sort((a, b) => a - b), policy, now, entry.later, resets);
    if (folded) entry.later = { ...folded };
    entry.at = at;
    entry.times = times;
    entry.foldAt = Math.max(MIN_FOLD, 2 * times.length);
  };

  const entryOf = (ip: string): Entry => {
    let entry = entries.get(ip);
    if (entry === undefined) entries.set(ip, (entry = { times: [], kept: '', later: undefined, at: undefined, foldAt: MIN_FOLD, recent: undefined, resets: undefined }));
    return entry;
  };

  const reset = (ip: string, time: number) => {
    const entry = entryOf(ip);
    (entry.resets ??= []).push(time);
  };

  const add = (ip: string, time: number, line: string) => {
    const entry = entryOf(ip);
    const lines = entry.recent;
    if (lines === undefined) {
      entry.recent = [line];
      dirty.push(entry);
    } else {
      if (lines.length >= EVIDENCE_LINES) lines.shift();
      lines.push(line);
    }
    // After the first ban, a failure outside the current window is only counted (as a fold would).
    if (entry.at !== undefined && time >= entry.at && time <= windowStart) {
      if (entry.later === undefined) entry.later = { count: 1, last: time };
      else {
        entry.later.count++;
        if (time > entry.later.last) entry.later.last = time;
      }
      return;
    }
    entry.times.push(time);
    if (folds && entry.times.length >= entry.foldAt) fold(entry);
  };

  const settle = () => {
    for (const entry of dirty) {
      // join() of two or more parts makes a flat copy that holds no part of the chunk.
      entry.kept = [...lastLines(entry.kept, entry.recent!), ''].join('\n');
      entry.recent = undefined;
    }
    dirty.length = 0;
  };

  const get = (ip: string): FreshPending | undefined => {
    const entry = entries.get(ip);
    if (entry === undefined) return undefined;
    const evidence = lastLines(entry.kept, entry.recent ?? []);
    const resets = entry.resets ? { resets: [...entry.resets].sort((a, b) => a - b) } : {};
    return { times: entry.times, evidence, ...(entry.later ? { later: { ...entry.later } as Folded } : {}), ...resets };
  };
  return { add, reset, settle, failures: { get, keys: () => entries.keys() } };
}

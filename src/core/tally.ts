import { EVIDENCE_LINES, type FreshPending } from './decide.js';
import { createTimesPool, grown } from './times-pool.js';
import { foldPermanent, type Folded, type Policy } from './window.js';

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
// one string copied once per chunk, not once per line. An IP is a slot number: its times live in
// one pool (see times-pool), its numbers in typed columns, so 100k+ IPs cost no object each.
export function createFailureTally(policy: Policy, now: number): FailureTally {
  const slots = new Map<string, number>();
  const times = createTimesPool();
  /** A permanent ban's first trigger time once found (NaN: none): later failures are counted, not kept. */
  let at = new Float64Array(1024);
  let foldAt = new Int32Array(1024);
  /** Failures counted without their times (count 0: none), and the last of them. */
  let laterCount = new Float64Array(1024);
  let laterLast = new Float64Array(1024);
  /** The newest evidence lines as one flat copy, each line ended by "\n" ("" for none). */
  const kept: string[] = [];
  /** Lines of the current chunk not yet copied into `kept`, newest last. */
  const recent: (string[] | undefined)[] = [];
  /** Times of logins that worked (reset_on_success), unsorted. */
  const resets = new Map<number, number[]>();
  // Slots with lines of the current chunk: copied by settle().
  const dirty: number[] = [];
  const folds = policy.bantime === null;
  const windowStart = now - policy.findtime;

  const laterOf = (s: number): Folded | undefined => (laterCount[s]! > 0 ? { count: laterCount[s]!, last: laterLast[s]! } : undefined);

  const fold = (s: number) => {
    const r = resets.get(s)?.sort((a, b) => a - b);
    const out = foldPermanent(times.sorted(s), policy, now, laterOf(s), r);
    if (out.folded) {
      laterCount[s] = out.folded.count;
      laterLast[s] = out.folded.last;
    }
    at[s] = out.at ?? NaN;
    times.set(s, out.times);
    foldAt[s] = Math.max(MIN_FOLD, 2 * out.times.length);
  };

  const slotOf = (ip: string): number => {
    let s = slots.get(ip);
    if (s !== undefined) return s;
    s = slots.size;
    slots.set(ip, s);
    if (s >= at.length) {
      at = grown(at, s + 1);
      foldAt = grown(foldAt, s + 1);
      laterCount = grown(laterCount, s + 1);
      laterLast = grown(laterLast, s + 1);
    }
    times.reserve(s + 1);
    at[s] = NaN;
    foldAt[s] = MIN_FOLD;
    kept.push('');
    recent.push(undefined);
    return s;
  };

  const reset = (ip: string, time: number) => {
    const s = slotOf(ip);
    const list = resets.get(s);
    if (list) list.push(time);
    else resets.set(s, [time]);
  };

  const add = (ip: string, time: number, line: string) => {
    const s = slotOf(ip);
    const lines = recent[s];
    if (lines === undefined) {
      recent[s] = [line];
      dirty.push(s);
    } else {
      if (lines.length >= EVIDENCE_LINES) lines.shift();
      lines.push(line);
    }
    // After the first ban, a failure outside the current window is only counted (as a fold
    // would); `at` is NaN before it, and no comparison with NaN holds.
    if (time >= at[s]! && time <= windowStart) {
      if (laterCount[s] === 0) laterLast[s] = time;
      else if (time > laterLast[s]!) laterLast[s] = time;
      laterCount[s]!++;
      return;
    }
    times.push(s, time);
    if (folds && times.length(s) >= foldAt[s]!) fold(s);
  };

  const settle = () => {
    for (const s of dirty) {
      // join() of two or more parts makes a flat copy that holds no part of the chunk.
      kept[s] = [...lastLines(kept[s]!, recent[s]!), ''].join('\n');
      recent[s] = undefined;
    }
    dirty.length = 0;
  };

  const get = (ip: string): FreshPending | undefined => {
    const s = slots.get(ip);
    if (s === undefined) return undefined;
    const evidence = lastLines(kept[s]!, recent[s] ?? []);
    const r = resets.get(s);
    const later = laterOf(s);
    return { times: times.toArray(s), evidence, ...(later ? { later } : {}), ...(r ? { resets: [...r].sort((a, b) => a - b) } : {}) };
  };
  return { add, reset, settle, failures: { get, keys: () => slots.keys() } };
}

import type { FreshPending } from './decide.js';
import { createEvidenceRings, type EvidenceRings } from './evidence-rings.js';
import { createTimesPool, grown } from './times-pool.js';
import { foldPermanent, type Folded, type Policy } from './window.js';
import type { Keyer } from './shields.js';
import { noteAddress } from './block-addresses.js';


/** This run's failures of one jail by IP: what decide() reads. */
export type Failures = Pick<ReadonlyMap<string, FreshPending>, 'get' | 'keys'>;

export type FailureTally = {
  /** One counted attempt: its IP, time (epoch seconds), log line (may be cut from a chunk) and where the line is (see posOf; -1: kept as text). */
  readonly add: (ip: string, time: number, line: string, pos?: number, length?: number) => void;
  /** A login of the IP that worked (reset_on_success): the failures before it are forgotten (see evaluateWindow). */
  readonly reset: (ip: string, time: number) => void;
  /** Called after each chunk of text: copies the evidence lines it holds, so the chunk can be freed. */
  readonly settle: () => void;
  readonly failures: Failures;
};

// Fold again once the times have doubled since the last fold, and never below this many.
const MIN_FOLD = 16;

// Collects a jail's failures per IP while its logs are read. With permanent bans nothing is old
// enough to skip, so every line of a big first scan lands here; each IP keeps about maxretry
// times (the rest folded into a count, see foldPermanent) and its last EVIDENCE_LINES lines in a
// ring of `rings` (where they are in the log, or their text; shared by the jails of a run). An IP
// is a slot number: its times live in one pool (see times-pool), its numbers in typed columns, so
// 100k+ IPs cost no object each.
export function createFailureTally(policy: Policy, now: number, rings: EvidenceRings = createEvidenceRings(), keyOf?: Keyer): FailureTally {
  const slots = new Map<string, number>();
  /** The addresses seen in a slot whose key is a block (ipv6_prefix, ipv4_prefix), the newest last. */
  const seen = new Map<number, string[]>();
  const times = createTimesPool();
  /** A permanent ban's first trigger time once found (NaN: none): later failures are counted, not kept. */
  let at = new Float64Array(1024);
  let foldAt = new Int32Array(1024);
  /** Failures counted without their times (count 0: none), and the last of them. */
  let laterCount = new Float64Array(1024);
  let laterLast = new Float64Array(1024);
  /** The slot's ring of evidence lines. */
  let ring = new Int32Array(1024);
  /** Times of logins that worked (reset_on_success), unsorted. */
  const resets = new Map<number, number[]>();
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
      ring = grown(ring, s + 1);
    }
    times.reserve(s + 1);
    at[s] = NaN;
    foldAt[s] = MIN_FOLD;
    ring[s] = rings.open();
    return s;
  };

  // The slot of an address's key; a block remembers the newest ADDRESSES_KEPT addresses seen in it.
  const slotFor = (ip: string): number => {
    if (keyOf === undefined) return slotOf(ip);
    const key = keyOf(ip);
    const s = slotOf(key);
    if (key !== ip) noteAddress(seen, s, ip);
    return s;
  };

  const reset = (ip: string, time: number) => {
    const s = slotFor(ip);
    const list = resets.get(s);
    if (list) list.push(time);
    else resets.set(s, [time]);
  };

  const add = (ip: string, time: number, line: string, pos = -1, length = line.length) => {
    const s = slotFor(ip);
    rings.push(ring[s]!, line, pos, length);
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

  const settle = () => rings.settle();

  const get = (ip: string): FreshPending | undefined => {
    const s = slots.get(ip);
    if (s === undefined) return undefined;
    const evidence = rings.refs(ring[s]!);
    const r = resets.get(s);
    const later = laterOf(s);
    const addresses = seen.get(s);
    return {
      times: times.toArray(s), evidence, ...(later ? { later } : {}), ...(r ? { resets: [...r].sort((a, b) => a - b) } : {}),
      ...(addresses ? { addresses } : {}),
    };
  };
  return { add, reset, settle, failures: { get, keys: () => slots.keys() } };
}

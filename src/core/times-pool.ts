// Failure times of many IPs in one Float64Array instead of an array each: a first scan with
// permanent bans holds 100k+ of them, and an array per IP costs its header and 16 spare slots.
// Each IP (a slot number, 0, 1, 2, ... as the caller adds them) owns a run of the pool; a full run
// moves to the end at twice its size, and the full pool is compacted when it holds enough holes.

const FIRST_RUN = 4;
const MIN_POOL = 1 << 14;

export type TimesPool = {
  /** Makes room for slot numbers below `n` (each starts with no times). */
  readonly reserve: (n: number) => void;
  readonly push: (slot: number, time: number) => void;
  readonly length: (slot: number) => number;
  /** The slot's times sorted in place, as a new array. */
  readonly sorted: (slot: number) => number[];
  /** Replaces the slot's times. */
  readonly set: (slot: number, times: readonly number[]) => void;
  /** The slot's times as a new array, in the order they are kept. */
  readonly toArray: (slot: number) => number[];
};

// The typed array, or a copy at least twice as long when it is shorter than `n`.
export function grown<T extends Int32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array | Int8Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, 2 * a.length));
  b.set(a);
  return b;
}

// A pool of times per slot; see the header.
export function createTimesPool(): TimesPool {
  let pool = new Float64Array(MIN_POOL);
  let top = 0;
  let holes = 0;
  let slots = 0;
  let off = new Int32Array(1024);
  let len = new Int32Array(1024);
  let cap = new Int32Array(1024);

  // Every run moved to the front in slot order, the pool a quarter larger than what they hold.
  const compact = (need: number) => {
    const next = new Float64Array(Math.max(MIN_POOL, Math.ceil(1.25 * (top - holes + need))));
    let at = 0;
    for (let s = 0; s < slots; s++) {
      next.set(pool.subarray(off[s]!, off[s]! + len[s]!), at);
      off[s] = at;
      at += cap[s]!;
    }
    pool = next;
    top = at;
    holes = 0;
  };

  // A run of `size` for the slot at the end of the pool, its times copied over. A full pool is
  // compacted when a fifth of it is holes, else it grows by half.
  const move = (slot: number, size: number) => {
    if (top + size > pool.length) {
      if (holes > pool.length / 5) compact(size);
      else {
        const next = new Float64Array(Math.max(top + size, Math.ceil(1.5 * pool.length)));
        next.set(pool.subarray(0, top));
        pool = next;
      }
    }
    pool.copyWithin(top, off[slot]!, off[slot]! + len[slot]!);
    holes += cap[slot]!;
    off[slot] = top;
    cap[slot] = size;
    top += size;
  };

  const reserve = (n: number) => {
    off = grown(off, n);
    len = grown(len, n);
    cap = grown(cap, n);
    slots = Math.max(slots, n);
  };
  const set = (slot: number, times: readonly number[]) => {
    if (times.length > cap[slot]!) move(slot, Math.max(FIRST_RUN, 2 * times.length));
    pool.set(times, off[slot]!);
    len[slot] = times.length;
  };
  const view = (slot: number) => pool.subarray(off[slot]!, off[slot]! + len[slot]!);
  return {
    reserve,
    push(slot, time) {
      const n = len[slot]!;
      if (n === cap[slot]!) move(slot, n === 0 ? FIRST_RUN : 2 * n);
      pool[off[slot]! + n] = time;
      len[slot] = n + 1;
    },
    length: (slot) => len[slot]!,
    sorted: (slot) => Array.from(view(slot).sort()),
    set,
    toArray: (slot) => Array.from(view(slot)),
  };
}

import { describe, expect, it } from 'vitest';
import { createTimesPool } from '../../src/core/times-pool.js';

// mulberry32: the same "random" pushes on every run.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createTimesPool', () => {
  it('keeps each slot its own times through moves, shrinking sets and compactions', () => {
    const pool = createTimesPool();
    const want: number[][] = [];
    const rnd = prng(7);
    for (let i = 0; i < 200_000; i++) {
      const r = rnd();
      if (r < 0.02 || want.length === 0) {
        pool.reserve(want.length + 1);
        want.push([]);
        continue;
      }
      const s = Math.floor(rnd() * want.length);
      if (r < 0.03) {
        // A fold: fewer times (sorted), written back in place.
        const kept = [...want[s]!].sort((a, b) => a - b).slice(0, 3);
        expect(pool.sorted(s)).toEqual([...want[s]!].sort((a, b) => a - b));
        pool.set(s, kept);
        want[s] = kept;
      } else {
        const t = 1_700_000_000 + Math.floor(rnd() * 1e6);
        pool.push(s, t);
        want[s]!.push(t);
      }
    }
    for (let s = 0; s < want.length; s++) {
      expect(pool.length(s)).toBe(want[s]!.length);
      expect(pool.toArray(s)).toEqual(want[s]);
    }
  });

  it('a slot never pushed to has no times, and a set larger than its run moves it', () => {
    const pool = createTimesPool();
    pool.reserve(2);
    expect(pool.toArray(0)).toEqual([]);
    pool.push(1, 5);
    pool.set(0, [3, 1, 2, 9, 8, 7]);
    expect(pool.toArray(0)).toEqual([3, 1, 2, 9, 8, 7]);
    expect(pool.sorted(0)).toEqual([1, 2, 3, 7, 8, 9]);
    expect(pool.toArray(1)).toEqual([5]);
  });
});

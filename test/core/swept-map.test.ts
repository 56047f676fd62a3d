import { describe, expect, it } from 'vitest';
import { createSweptMap } from '../../src/core/swept-map.js';

// A small seeded generator, so a failure can be replayed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// The attempt counter settles keys in the order a Map would hold them, so the swept map must keep
// a Map's order (a key set again after its deletion goes last) through holes and compactions.
describe('swept map', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`holds the same keys, values and order as a Map through sweeps of thousands of keys (seed ${seed})`, () => {
      const rnd = prng(seed);
      const map = new Map<string, number>();
      const swept = createSweptMap<string, number>();
      for (let round = 0; round < 40; round++) {
        // Keys come (some again after being swept), then a sweep drops about half of them.
        for (let i = 0; i < 3000; i++) {
          const key = `k${Math.floor(rnd() * 6000)}`;
          const value = round * 10_000 + i;
          map.set(key, value);
          swept.set(key, value);
        }
        for (const [key] of [...map]) {
          if (rnd() < (round % 5 === 4 ? 0.7 : 0.3)) {
            map.delete(key);
            swept.delete(key);
          }
        }
        swept.delete('never-there');
        swept.compact();
        expect(swept.size()).toBe(map.size);
        expect([...swept.entries()]).toEqual([...map.entries()]);
        expect([...swept.values()]).toEqual([...map.values()]);
        for (let i = 0; i < 50; i++) {
          const key = `k${Math.floor(rnd() * 6000)}`;
          expect(swept.get(key)).toBe(map.get(key));
        }
      }
      swept.clear();
      expect(swept.size()).toBe(0);
      expect([...swept.entries()]).toEqual([]);
    });
  }
});

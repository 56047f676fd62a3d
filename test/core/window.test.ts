import { describe, expect, it } from 'vitest';
import { addFolded, evaluateWindow, foldPermanent, LIVE_HORIZON, mergeSorted, relevantSince, type Folded } from '../../src/core/window.js';

const policy = { findtime: 600, maxretry: 3, bantime: 3600 };

describe('evaluateWindow', () => {
  it.each([
    { name: 'too few failures stay pending', times: [100, 200], now: 300, trigger: null, pending: [100, 200] },
    { name: 'maxretry inside findtime bans at the third', times: [100, 200, 300], now: 400, trigger: { at: 300, expiresAt: 3900, failures: 3, firstSeen: 100, lastSeen: 300 }, pending: [] },
    { name: 'spread wider than findtime does not ban', times: [0, 400, 800], now: 900, trigger: null, pending: [400, 800] },
    { name: 'exactly findtime apart still counts', times: [0, 300, 600], now: 700, trigger: { at: 600, expiresAt: 4200, failures: 3, firstSeen: 0, lastSeen: 600 }, pending: [] },
    { name: 'a ban that already ran out is history', times: [100, 200, 300], now: 3900, trigger: null, pending: [] },
    { name: 'failures during the ban belong to it', times: [100, 200, 300, 400, 500], now: 600, trigger: { at: 300, expiresAt: 3900, failures: 5, firstSeen: 100, lastSeen: 500 }, pending: [] },
    { name: 'an old expired ban, then a new attack', times: [100, 110, 120, 10000, 10010, 10020], now: 10100, trigger: { at: 10020, expiresAt: 13620, failures: 3, firstSeen: 10000, lastSeen: 10020 }, pending: [] },
    { name: 'old expired ban leaves recent failures pending', times: [100, 110, 120, 10000], now: 10100, trigger: null, pending: [10000] },
    { name: 'pending is pruned to the window', times: [100, 5000], now: 5100, trigger: null, pending: [5000] },
  ])('$name', ({ times, now, trigger, pending }) => {
    const r = evaluateWindow(times, policy, now);
    expect(r.trigger).toEqual(trigger);
    expect(r.pending).toEqual(pending);
  });

  it.each([
    { name: 'live: from the scan', liveSince: 100, trigger: { at: 300, expiresAt: 400 + 3600, failures: 3, firstSeen: 100, lastSeen: 300 } },
    { name: 'a catch-up: from the failure', liveSince: 301, trigger: { at: 300, expiresAt: 3900, failures: 3, firstSeen: 100, lastSeen: 300 } },
  ])('a ban triggered at or after liveSince starts at now ($name)', ({ liveSince, trigger }) => {
    expect(evaluateWindow([100, 200, 300], policy, 400, undefined, liveSince).trigger).toEqual(trigger);
  });

  // reset_on_success: logins that worked at `resets`.
  it.each([
    { name: 'a login forgets the failures before it', times: [100, 200], resets: [250], now: 300, trigger: null, pending: [] },
    { name: 'failures after the login still count', times: [100, 200, 300, 400], resets: [250], now: 500, trigger: null, pending: [300, 400] },
    { name: 'two before and three after the login: the three ban', times: [100, 200, 300, 310, 320], resets: [250], now: 400, trigger: { at: 320, expiresAt: 3920, failures: 3, firstSeen: 300, lastSeen: 320 }, pending: [] },
    { name: 'a failure in the same second as the login is forgotten', times: [100, 200, 250], resets: [250], now: 300, trigger: null, pending: [] },
    { name: 'a ban reached before the login stands', times: [100, 110, 120], resets: [130], now: 200, trigger: { at: 120, expiresAt: 3720, failures: 3, firstSeen: 100, lastSeen: 120 }, pending: [] },
    { name: 'without logins nothing changes', times: [100, 200], resets: [], now: 300, trigger: null, pending: [100, 200] },
  ])('$name', ({ times, resets, now, trigger, pending }) => {
    const r = evaluateWindow(times, policy, now, undefined, Infinity, resets);
    expect(r.trigger).toEqual(trigger);
    expect(r.pending).toEqual(pending);
  });

  it('a permanent ban is folded from the first trigger after the last login before it', () => {
    const f = foldPermanent([100, 110, 200, 300, 310, 320, 5000], { ...policy, bantime: null }, 10_000, undefined, [150]);
    expect(f.at).toBe(310);
  });

  it('permanent bans never expire and swallow later failures', () => {
    const r = evaluateWindow([1, 2, 3, 100000], { ...policy, bantime: null }, 10 ** 9);
    expect(r.trigger).toEqual({ at: 3, expiresAt: null, failures: 4, firstSeen: 1, lastSeen: 100000 });
  });
});

describe('relevantSince', () => {
  it('failures older than the longest ban plus findtime cannot matter', () => {
    expect(relevantSince(policy, 10_000)).toBe(10_000 - 3600 - 600);
    expect(relevantSince({ ...policy, longestBan: 86400 }, 100_000)).toBe(100_000 - 86400 - 600);
    expect(relevantSince({ ...policy, bantime: null }, 100_000)).toBe(-Infinity);
    expect(relevantSince({ ...policy, longestBan: null }, 100_000)).toBe(-Infinity);
  });

  // Whatever happened before the cut, the outcome at `now` is the same without those failures,
  // for attacks that start or stop on either side of it (a table of sliding attack bursts).
  it.each([0, 1000, 4000, 5500, 5999, 6000, 6100, 9000])('a burst starting at %i is judged alike with or without older failures', (start) => {
    const now = 10_000;
    const since = relevantSince(policy, now);
    const times = [start, start + 100, start + 200, start + 250];
    const all = evaluateWindow(times, policy, now);
    const cut = evaluateWindow(times.filter((t) => t >= since), policy, now);
    expect(cut.trigger === null).toBe(all.trigger === null);
    expect(cut.trigger?.expiresAt).toEqual(all.trigger?.expiresAt);
  });

  // The same with bans that start at the scan, for a bantime shorter than LIVE_HORIZON too.
  it.each([
    [3600, [0, 4000, 5500, 6000, 9000, 9500, 9800]],
    [60, [0, 8000, 8300, 8400, 8500, 8800, 9100, 9500, 9900]],
  ])('bantime %i, live bans: a burst is judged alike with or without older failures', (bantime, starts) => {
    const now = 10_000;
    const p = { ...policy, bantime };
    const since = relevantSince(p, now);
    expect(since).toBe(now - Math.max(bantime, LIVE_HORIZON) - 600);
    for (const start of starts) {
      const times = [start - 300, start, start + 50, start + 100, start + 150];
      const all = evaluateWindow(times, p, now, undefined, now - LIVE_HORIZON);
      const cut = evaluateWindow(times.filter((t) => t >= since), p, now, undefined, now - LIVE_HORIZON);
      expect(cut.trigger?.expiresAt, `burst at ${start}`).toEqual(all.trigger?.expiresAt);
    }
  });
});

describe('foldPermanent', () => {
  const permanent = { findtime: 600, maxretry: 5, bantime: null };

  it('a flood keeps the times up to its first ban and counts the rest', () => {
    const flood = Array.from({ length: 10_000 }, (_, i) => 1000 + i);
    const now = 100_000;
    const { times, folded, at } = foldPermanent(flood, permanent, now);
    expect(times).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(folded).toEqual({ count: 9995, last: 10_999 });
    expect(at).toBe(1004);
    expect(evaluateWindow(times, permanent, now, folded)).toEqual(evaluateWindow(flood, permanent, now));
  });

  it('keeps the failures inside the window at now, which status counts', () => {
    const { times, folded } = foldPermanent([0, 1, 2, 3, 4, 50, 60, 9500, 9600], permanent, 10_000);
    expect(times).toEqual([0, 1, 2, 3, 4, 9500, 9600]);
    expect(folded).toEqual({ count: 2, last: 9600 });
  });

  it('keeps everything when no ban was reached or bans end', () => {
    expect(foldPermanent([0, 1000, 2000], permanent, 10_000).times).toEqual([0, 1000, 2000]);
    expect(foldPermanent([0, 1, 2, 3, 4, 5, 6], { ...permanent, bantime: 3600 }, 10_000)).toEqual({ times: [0, 1, 2, 3, 4, 5, 6], folded: undefined, at: undefined });
  });

  // Folding part of the failures, then adding the rest in any order and folding again, judges
  // like the whole list sorted at once: random bursts, shuffled, cut into random runs.
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('folding as the failures come judges like all of them at once (seed %i)', (seed) => {
    const rand = seeded(seed);
    const now = 200_000;
    const all: number[] = [];
    for (let b = 0; b < 1 + Math.floor(rand() * 6); b++) {
      const start = Math.floor(rand() * now);
      for (let i = 0; i < Math.floor(rand() * 12); i++) all.push(start + Math.floor(rand() * 900));
    }
    const shuffled = [...all].sort(() => rand() - 0.5);
    let kept: number[] = [];
    let folded: Folded | undefined;
    for (let i = 0; i < shuffled.length; ) {
      const n = 1 + Math.floor(rand() * 8);
      const part = foldPermanent(mergeSorted(kept, shuffled.slice(i, i + n)), permanent, now, folded);
      kept = part.times;
      folded = part.folded;
      i += n;
    }
    expect(evaluateWindow(kept, permanent, now, folded)).toEqual(evaluateWindow(mergeSorted([], all), permanent, now));
  });

  it('folded failures of two runs add up', () => {
    expect(addFolded({ count: 2, last: 50 }, { count: 3, last: 40 })).toEqual({ count: 5, last: 50 });
    expect(addFolded(undefined, { count: 3, last: 40 })).toEqual({ count: 3, last: 40 });
    expect(addFolded(undefined, undefined)).toBeUndefined();
  });
});

// A small deterministic generator (mulberry32), so a failing seed can be replayed.
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

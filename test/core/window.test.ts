import { describe, expect, it } from 'vitest';
import { evaluateWindow, relevantSince } from '../../src/core/window.js';

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
});

import { describe, expect, it } from 'vitest';
import { EVIDENCE_LINES } from '../../src/core/decide.js';
import { createFailureTally } from '../../src/core/tally.js';
import { evaluateWindow, mergeSorted } from '../../src/core/window.js';

const permanent = { findtime: 600, maxretry: 5, bantime: null };
const now = 1_000_000;
const line = (ip: string, t: number) => `t=${t} sshd[1]: Failed password for root from ${ip} port 22 ssh2`;

describe('createFailureTally', () => {
  // The bound: with permanent bans an IP's failures after its first ban are counted, not kept,
  // so a flood of 100k lines costs maxretry times (before, every one of them was kept).
  it('keeps at most maxretry times of a flood that is older than the window', () => {
    const tally = createFailureTally(permanent, now);
    const flood = Array.from({ length: 100_000 }, (_, i) => 10_000 + i);
    for (const t of flood) tally.add('203.0.113.9', t, line('203.0.113.9', t));
    tally.settle();
    const p = tally.failures.get('203.0.113.9')!;
    expect(p.times.length).toBeLessThanOrEqual(permanent.maxretry);
    expect(p.later).toEqual({ count: 100_000 - p.times.length, last: 109_999 });
    expect(evaluateWindow(mergeSorted([], p.times), permanent, now, p.later)).toEqual(evaluateWindow(flood, permanent, now));
  });

  it('keeps the failures inside the window at now with their times', () => {
    const tally = createFailureTally(permanent, now);
    const times = [...Array.from({ length: 50 }, (_, i) => 10_000 + i), now - 100, now - 50];
    for (const t of times) tally.add('203.0.113.9', t, line('203.0.113.9', t));
    const p = tally.failures.get('203.0.113.9')!;
    expect(mergeSorted([], p.times).slice(-2)).toEqual([now - 100, now - 50]);
    expect(evaluateWindow(mergeSorted([], p.times), permanent, now, p.later)).toEqual(evaluateWindow(times, permanent, now));
  });

  it('keeps every time when bans end (older lines were already skipped as too old)', () => {
    const tally = createFailureTally({ ...permanent, bantime: 3600 }, now);
    for (let t = 0; t < 100; t++) tally.add('203.0.113.9', now - 1000 + t, 'x');
    expect(tally.failures.get('203.0.113.9')!.times).toHaveLength(100);
    expect(tally.failures.get('203.0.113.9')!.later).toBeUndefined();
  });

  it('keeps the last lines of each IP in order, across chunks and before the last settle', () => {
    const tally = createFailureTally(permanent, now);
    const a = '198.51.100.1';
    const b = '2001:db8::1';
    tally.add(a, 1, 'a1');
    tally.add(b, 1, 'b1');
    tally.settle();
    for (let t = 2; t <= 4; t++) tally.add(a, t, `a${t}`);
    tally.settle();
    for (let t = 5; t <= 7; t++) tally.add(a, t, `a${t}`);
    expect(tally.failures.get(a)!.evidence).toEqual(['a3', 'a4', 'a5', 'a6', 'a7']);
    tally.settle();
    expect(tally.failures.get(a)!.evidence).toEqual(['a3', 'a4', 'a5', 'a6', 'a7']);
    expect(tally.failures.get(b)!.evidence).toEqual(['b1']);
    expect(tally.failures.get(a)!.evidence).toHaveLength(EVIDENCE_LINES);
    expect([...tally.failures.keys()]).toEqual([a, b]);
    expect(tally.failures.get('203.0.113.1')).toBeUndefined();
  });

  it('an empty line is kept as evidence like any other', () => {
    const tally = createFailureTally(permanent, now);
    tally.add('198.51.100.1', 1, '');
    tally.settle();
    tally.add('198.51.100.1', 2, 'two');
    tally.settle();
    expect(tally.failures.get('198.51.100.1')!.evidence).toEqual(['', 'two']);
  });
});

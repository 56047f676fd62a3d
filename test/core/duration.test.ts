import { describe, expect, it } from 'vitest';
import { parseDuration, parseDurationSetting } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90], ['10m', 600], ['1h', 3600], ['7d', 604800], ['1w', 604800], ['1h30m', 5400], [600, 600], ['600', 600],
    ['permanent', null], [-1, null], ['-1', null],
  ] as const)('%j -> %j', (input, expected) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: expected });
  });
  it.each(['', '10x', 'ten minutes', 0, -5, '0m', true, null])('rejects %j', (input) => {
    expect(parseDuration(input).ok).toBe(false);
  });

});

describe('parseDurationSetting', () => {
  const DAY = 86400;
  it.each([
    ['bantime', '3650d', 3650 * DAY], ['bantime', 'permanent', null], ['maxbantime', 3650 * DAY, 3650 * DAY],
    ['findtime', '365d', 365 * DAY], ['findtime', '52w', 52 * 7 * DAY],
  ] as const)('%s %j is within its maximum', (key, input, expected) => {
    expect(parseDurationSetting(key, input)).toEqual({ ok: true, value: expected });
  });
  it.each([
    ['bantime', '99999999999w', 'maximum of 3650d (ten years)'], ['bantime', '3651d', 'use "permanent"'],
    ['bantime', 1e300, 'maximum'], ['bantime', `${'9'.repeat(400)}s`, 'maximum'],
    ['maxbantime', '522w', 'maximum of 3650d'], ['findtime', '366d', 'maximum of 365d (one year)'],
  ] as const)('%s %j is refused', (key, input, words) => {
    const r = parseDurationSetting(key, input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(words);
  });
});

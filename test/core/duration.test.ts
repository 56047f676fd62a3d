import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/core/duration.js';

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

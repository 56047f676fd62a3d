import { describe, expect, it } from 'vitest';
import { jsonParts, lazyList } from '../../src/core/json-parts.js';

const samples: [string, unknown][] = [
  ['a scan result', { dryRun: true, files: [{ path: '/var/log/auth.log', linesRead: 3, rotated: [] }], newBans: [{ ip: '203.0.113.9', evidence: ['a "quoted"\tline', 'é\u202e'] }, { ip: '2001:db8::1', evidence: [] }], unbans: [], activeBans: 2, notes: [] }],
  ['empty lists and objects', { a: [], b: {}, c: [[]], d: [{}] }],
  ['values JSON.stringify leaves out or writes as null', { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s')], d: null, e: NaN }],
  ['an empty object', {}],
  ['an object of only left-out values', { a: undefined }],
  ['a list at the top', [1, [2, 3], { a: [4] }]],
  ['scalars', 'text'],
  ['an object with toJSON', { toJSON: () => ({ x: [1] }) }],
  ['nested lists', { a: [[1, [2]], { b: [3, { c: [] }] }] }],
];

describe('jsonParts', () => {
  it.each(samples)('is JSON.stringify byte for byte: %s', (_name, value) => {
    for (const indent of [undefined, 0, 2, 4]) expect([...jsonParts(value, indent)].join('')).toBe(JSON.stringify(value, null, indent) ?? 'null');
  });

  it('writes a lazy list as the array it makes, in JSON.stringify too', () => {
    const made: number[] = [];
    const value = { before: 1, items: lazyList(function* () { for (const n of [1, 2, 3]) { made.push(n); yield { n }; } }), after: [] };
    const plain = { before: 1, items: [{ n: 1 }, { n: 2 }, { n: 3 }], after: [] };
    const parts = jsonParts(value, 2);
    // The first element is made only when its piece is asked for.
    expect(parts.next().value).toBe('{\n  "before": ');
    expect(made).toEqual([]);
    expect([...parts].join('')).toBe(JSON.stringify(plain, null, 2).slice('{\n  "before": '.length));
    expect(made).toEqual([1, 2, 3]);
    expect(JSON.stringify(value, null, 2)).toBe(JSON.stringify(plain, null, 2));
    expect([...jsonParts(lazyList(() => []), 2)].join('')).toBe('[]');
  });
});

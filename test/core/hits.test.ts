import { describe, expect, it } from 'vitest';
import { createBatchPacker, createHitBuilder, HIT, SLICE_RECORDS, unpackSlices, type HitBatch } from '../../src/core/hits.js';

// Records as plain rows, to compare batches column by column.
function rows(b: HitBatch) {
  return Array.from({ length: b.count }, (_, i) => [b.jail[i], b.kind[i], b.pattern[i], b.lineNo[i], b.offset[i], b.length[i], b.ip[i], b.key[i], b.user[i], b.text[i], b.time[i], b.template[i]]);
}

function batchOf(from: number, count: number): HitBatch {
  const out = createHitBuilder();
  for (let i = from; i < from + count; i++) {
    out.add(i % 2, i % 3 === 0 ? HIT.companion : HIT.match, i % 7, i + 1, i % 5 === 0 ? -1 : 100 * i, 80 + (i % 9), `198.51.100.${i % 40}`, i % 4 === 0 ? undefined : `${1000 + (i >> 2)}`,
      i % 6 === 0 ? undefined : `user${i % 11}`, i % 3 === 0 ? `line ${i}` : undefined, i % 13 === 0 ? NaN : 1_700_000_000 + i, i % 13 === 0 ? -1 : 2);
  }
  return out.take();
}

// A worker packs a part's records as they come and the main thread reads them back in slices:
// the records must come out as they went in, in order, whatever the slice boundaries.
describe('packed batches', () => {
  it('a part packed batch by batch reads back record for record, in slices of at most SLICE_RECORDS', () => {
    const parts = [batchOf(0, 700), batchOf(700, 1500), batchOf(2200, 1), batchOf(2201, 0), batchOf(2201, 1300)];
    const packer = createBatchPacker();
    for (const p of parts) packer.add(p);
    const packed = packer.result();
    expect(packed.count).toBe(3501);
    // Each address and user name once in the table.
    expect(new Set(packed.table).size).toBe(packed.table.length);
    const slices = [...unpackSlices(packed)];
    expect(slices.map((s) => s.count)).toEqual([SLICE_RECORDS, SLICE_RECORDS, SLICE_RECORDS, 3501 - 3 * SLICE_RECORDS]);
    expect(slices.flatMap(rows)).toEqual(parts.flatMap(rows));
  });
});

import { EVIDENCE_LINES } from './decide.js';
import { type LineRef } from './evidence.js';
import { grown } from './times-pool.js';
import { ownString } from './own-string.js';

const RING_LINES = EVIDENCE_LINES;

export type EvidenceRings = {
  /** A new, empty ring of the newest EVIDENCE_LINES lines; its number. */
  readonly open: () => number;
  /** Adds a line: at `pos` (see posOf; its length in bytes is `length`, default line.length) or, with pos < 0, as text. */
  readonly push: (ring: number, line: string, pos: number, length?: number) => void;
  /** Called after each chunk of text: the text lines added since are copied, so the chunk can be freed. */
  readonly settle: () => void;
  /** The ring's lines, oldest first: text as it is, other lines as handles for `place`. */
  readonly refs: (ring: number) => LineRef[];
  /** Where a handle's line is: its position (see posOf) and length in bytes. */
  readonly place: (handle: number) => { readonly pos: number; readonly length: number };
};

// The newest lines of many addresses in typed arrays: RING_LINES entries a ring, each a position
// and a length (-1: the line is text, kept in a map). An entry's number is its handle.
export function createEvidenceRings(): EvidenceRings {
  let pos = new Float64Array(RING_LINES * 1024);
  let len = new Int32Array(RING_LINES * 1024);
  let next = new Uint8Array(1024);
  let count = new Uint8Array(1024);
  let rings = 0;
  const texts = new Map<number, string>();
  const dirty: number[] = [];
  return {
    open() {
      const r = rings++;
      if (r >= next.length) {
        next = grown(next, r + 1);
        count = grown(count, r + 1);
        pos = grown(pos, RING_LINES * next.length);
        len = grown(len, RING_LINES * next.length);
      }
      return r;
    },
    push(ring, line, at, length = line.length) {
      const e = ring * RING_LINES + next[ring]!;
      next[ring] = (next[ring]! + 1) % RING_LINES;
      if (count[ring]! < RING_LINES) count[ring]!++;
      if (at >= 0) {
        if (len[e] === -1) texts.delete(e);
        pos[e] = at;
        len[e] = length;
      } else {
        len[e] = -1;
        texts.set(e, line);
        dirty.push(e);
      }
    },
    settle() {
      for (const e of dirty) {
        const t = texts.get(e);
        if (t !== undefined) texts.set(e, ownString(t));
      }
      dirty.length = 0;
    },
    refs(ring) {
      const n = count[ring]!;
      const out: LineRef[] = [];
      for (let k = 0; k < n; k++) {
        const e = ring * RING_LINES + ((next[ring]! - n + k + RING_LINES) % RING_LINES);
        out.push(len[e] === -1 ? texts.get(e)! : e);
      }
      return out;
    },
    place: (e) => ({ pos: pos[e]!, length: len[e]! }),
  };
}

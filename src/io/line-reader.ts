import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { POS_SOURCE, type LineReader } from '../core/evidence.js';
import type { EvidenceRings } from '../core/evidence-rings.js';

/** A log a run read, as it was then: its lines are read back only from that same file. */
export type PlacedFile = { readonly path: string; readonly dev: number; readonly ino: number };

/** Lines this close together are read in one read. */
const GAP = 1 << 16;
/** One read at most this long. */
const SPAN = 1 << 20;

// The file of `f` opened again, or null when the path is now another file (rotated since) or gone.
function reopen(f: PlacedFile): number | null {
  let fd: number;
  try {
    fd = openSync(f.path, 'r');
  } catch {
    return null;
  }
  const st = fstatSync(fd);
  if (st.dev === f.dev && st.ino === f.ino) return fd;
  closeSync(fd);
  return null;
}

// Reads lines back by their handles in `rings`: sorted by file and offset, neighbours read
// together. A line whose file was rotated away or cut since is '' (its evidence is lost, nothing else).
// One buffer serves every call (a first scan's save and report call it once per few hundred bans).
export function createLineReader(rings: EvidenceRings, files: readonly PlacedFile[]): LineReader {
  let buf: Buffer | null = null;
  return (handles) => {
    const out: string[] = new Array<string>(handles.length).fill('');
    const order = handles.map((h, i) => ({ i, ...rings.place(h) })).sort((a, b) => a.pos - b.pos);
    buf ??= Buffer.allocUnsafe(SPAN);
    for (let k = 0; k < order.length; ) {
      const source = Math.floor(order[k]!.pos / POS_SOURCE);
      let end = k;
      while (end < order.length && Math.floor(order[end]!.pos / POS_SOURCE) === source) end++;
      const fd = reopen(files[source]!);
      try {
        while (k < end) {
          const from = order[k]!.pos;
          let last = k;
          let to = from + order[k]!.length;
          while (last + 1 < end && order[last + 1]!.pos - to < GAP && order[last + 1]!.pos + order[last + 1]!.length - from <= SPAN) {
            last++;
            to = Math.max(to, order[last]!.pos + order[last]!.length);
          }
          if (to - from > buf.length) buf = Buffer.allocUnsafe(to - from);
          const n = fd === null ? 0 : readSync(fd, buf, 0, to - from, from - source * POS_SOURCE);
          for (; k <= last; k++) {
            const { i, pos, length } = order[k]!;
            if (pos - from + length <= n) out[i] = buf.toString('utf8', pos - from, pos - from + length);
          }
        }
      } finally {
        if (fd !== null) closeSync(fd);
      }
    }
    return out;
  };
}

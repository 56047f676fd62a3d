import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const CHUNK_BYTES = 1 << 20;
// A line longer than this is skipped rather than held in memory (it still advances the offset).
export const MAX_LINE_BYTES = 1 << 20;

export type FileId = { readonly dev: number; readonly ino: number; readonly size: number };

export type ReadOutcome = {
  readonly endOffset: number;
  readonly lines: number;
  readonly longLines: number;
};

export function openLog(path: string): { fd: number; id: FileId } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTFILE' });
    return { fd, id: { dev: st.dev, ino: st.ino, size: st.size } };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

// Reads [offset, size) in large chunks and hands over complete lines only, as latin1 text (one
// char per byte, so any bytes decode and offsets stay exact). A partial last line is left for the
// next run: the returned endOffset is just past the last newline.
export function readCompleteLines(fd: number, offset: number, size: number, onText: (text: string) => void): ReadOutcome {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer | null = null;
  let skipping = false;
  let pos = offset;
  let endOffset = offset;
  let lines = 0;
  let longLines = 0;
  while (pos < size) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK_BYTES, size - pos), pos);
    if (n <= 0) break;
    const chunkStart = pos;
    pos += n;
    const lastNl = buf.lastIndexOf(10, n - 1);
    if (lastNl < 0) {
      if (skipping) continue;
      carry = carry ? Buffer.concat([carry, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      if (carry.length > MAX_LINE_BYTES) { carry = null; skipping = true; }
      continue;
    }
    let body = buf.subarray(0, lastNl + 1);
    if (skipping) {
      const firstNl = buf.indexOf(10);
      body = buf.subarray(firstNl + 1, lastNl + 1);
      skipping = false;
      longLines++;
      lines++;
    } else if (carry) {
      body = Buffer.concat([carry, body]);
      carry = null;
    }
    lines += countNewlines(body);
    if (body.length > 0) onText(body.toString('latin1'));
    endOffset = chunkStart + lastNl + 1;
    if (lastNl + 1 < n) {
      carry = Buffer.from(buf.subarray(lastNl + 1, n));
      if (carry.length > MAX_LINE_BYTES) { carry = null; skipping = true; }
    }
  }
  return { endOffset, lines, longLines };
}

function countNewlines(buf: Buffer): number {
  let count = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) count++;
  return count;
}

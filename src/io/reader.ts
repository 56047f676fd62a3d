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

// Reads [offset, size) in large chunks and hands over complete lines only, decoded as UTF-8
// (chunks end at a newline, so no character is split; invalid bytes become U+FFFD). Offsets are
// counted in bytes on the buffer. A partial last line is left for the next run: the returned
// endOffset is just past the last newline. The unfinished tail of a chunk moves to the front of
// the buffer and the next read lands behind it, so nothing is concatenated.
export function readCompleteLines(fd: number, offset: number, size: number, onText: (text: string) => void): ReadOutcome {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  let filled = 0;
  let skipping = false;
  let pos = offset;
  let endOffset = offset;
  let lines = 0;
  let longLines = 0;
  while (pos < size) {
    const n = readSync(fd, buf, filled, Math.min(CHUNK_BYTES, size - pos), pos);
    if (n <= 0) break;
    pos += n;
    const total = filled + n;
    const lastNl = buf.lastIndexOf(10, total - 1);
    if (lastNl < 0) {
      filled = total;
      if (filled > MAX_LINE_BYTES) { filled = 0; skipping = true; }
      continue;
    }
    let from = 0;
    if (skipping) {
      from = buf.indexOf(10) + 1;
      skipping = false;
      longLines++;
      lines++;
    }
    lines += countNewlines(buf, from, lastNl + 1);
    if (lastNl + 1 > from) onText(buf.toString('utf8', from, lastNl + 1));
    endOffset = pos - (total - lastNl - 1);
    filled = total - lastNl - 1;
    if (filled > MAX_LINE_BYTES) { filled = 0; skipping = true; }
    else if (filled > 0) buf.copy(buf, 0, lastNl + 1, total);
  }
  return { endOffset, lines, longLines };
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) count++;
  return count;
}

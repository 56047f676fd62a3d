import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CHUNK_BYTES, createLineAssembler, type SkipCheck } from './lines.js';

export { CHUNK_BYTES, MAX_LINE_BYTES } from './lines.js';

export type FileId = { readonly dev: number; readonly ino: number; readonly size: number; readonly mtimeMs: number };

export type ReadOutcome = {
  readonly endOffset: number;
  readonly lines: number;
  readonly longLines: number;
};

// Opens a log for reading; anything but a regular file (a directory, a device) is refused.
export function openLog(path: string): { fd: number; id: FileId } {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: 'ENOTFILE' });
    return { fd, id: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs } };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

// Reads [offset, size) of a plain file in large chunks straight into the line assembler's buffer
// and hands over complete lines only; endOffset is just past the last newline, so a partial last
// line is left for the next run. A file that shrinks mid-read simply ends early.
export function readCompleteLines(fd: number, offset: number, size: number, onText: (text: string) => void, skip?: SkipCheck): ReadOutcome {
  const lines = createLineAssembler(onText, skip);
  for (let pos = offset; pos < size; ) {
    const { buf, at } = lines.target();
    const n = readSync(fd, buf, at, Math.min(CHUNK_BYTES, size - pos), pos);
    if (n <= 0) break;
    pos += n;
    lines.commit(n);
  }
  return { endOffset: offset + lines.consumed(), lines: lines.lines(), longLines: lines.longLines() };
}

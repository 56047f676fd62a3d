import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CHUNK_BYTES, createLineAssembler, type SkipCheck, type TextSink } from './lines.js';
import { describeReadError } from './read-error.js';

export { CHUNK_BYTES, MAX_LINE_BYTES } from './lines.js';

export type FileId = { readonly dev: number; readonly ino: number; readonly size: number; readonly mtimeMs: number };

export type ReadOutcome = {
  readonly endOffset: number;
  readonly lines: number;
  readonly longLines: number;
  /** The text ends inside a line longer than MAX_LINE_BYTES; its bytes so far are consumed. */
  readonly inLongLine?: boolean;
  /** A read that failed part-way (EIO from a bad disk): what came before it was handed over. */
  readonly failure?: ReadFailure;
};

/** Where and why reading a file stopped early. */
export type ReadFailure = { readonly at: number; readonly reason: string };


// Opens a log for reading; anything but a regular file (a directory, a device) is refused.
// O_NONBLOCK: a FIFO put in the log's place after it was looked at opens at once and is refused,
// instead of waiting for a writer (a regular file reads the same with it).
export function openLog(path: string): { fd: number; id: FileId } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
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
// line is left for the next run. A file that shrinks mid-read simply ends early; a read that
// fails (EIO) ends it too, with the lines before it handed over and the failure returned, so the
// caller can go on from there instead of reading those lines again.
// `onText` is told where each text starts in the file.
export function readCompleteLines(fd: number, offset: number, size: number, onText: TextSink, skip?: SkipCheck): ReadOutcome {
  const lines = createLineAssembler((text, at) => onText(text, at < 0 ? -1 : offset + at), skip, startsMidLine(fd, offset));
  let failure: ReadFailure | undefined;
  for (let pos = offset; pos < size; ) {
    const { buf, at } = lines.target();
    let n: number;
    try {
      n = readSync(fd, buf, at, Math.min(CHUNK_BYTES, size - pos), pos);
    } catch (e) {
      failure = { at: pos, reason: describeReadError(e) };
      break;
    }
    if (n <= 0) break;
    pos += n;
    lines.commit(n);
  }
  const out = { endOffset: offset + lines.consumed(), lines: lines.lines(), longLines: lines.longLines(), ...(lines.inLongLine() ? { inLongLine: true } : {}) };
  return failure ? { ...out, failure } : out;
}

// A saved offset always follows a newline, unless an earlier run stopped inside an over-long line.
function startsMidLine(fd: number, offset: number): boolean {
  if (offset === 0) return false;
  const one = Buffer.alloc(1);
  try {
    return readSync(fd, one, 0, 1, offset - 1) === 1 && one[0] !== 10;
  } catch {
    return false;
  }
}

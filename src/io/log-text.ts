import { closeSync } from 'node:fs';
import { inflateFile, isGzip } from './gunzip.js';
import { createLineAssembler, type LineAssembler, type SkipCheck, type TextSink } from './lines.js';
import { openLog, readCompleteLines, type ReadOutcome } from './reader.js';

export type LogTextOutcome = {
  /** Bytes of log text (decompressed for .gz) from the start of the file to the end of the last complete line. */
  readonly bytes: number;
  readonly lines: number;
  readonly longLines: number;
  /** The text ends inside a line longer than MAX_LINE_BYTES; its bytes so far are consumed. */
  readonly inLongLine?: boolean;
  /** False when a .gz ended early or is damaged: what was complete was handed over. */
  readonly complete: boolean;
  readonly gzip: boolean;
  /** Which inflater read a .gz: the zlib-sync addon, or node:zlib where the addon is missing. */
  readonly engine?: 'zlib-sync' | 'node:zlib';
  readonly note?: string;
  /** Reading stopped at a failed read (EIO), not at damaged data: worth trying again later. */
  readonly readError?: boolean;
};

// What a read of a plain log's bytes amounts to as log text (on one thread or several).
export function plainTextOutcome(out: ReadOutcome): LogTextOutcome {
  const failed = out.failure ? { complete: false, readError: true, note: `read error at byte ${out.failure.at} (${out.failure.reason})` } : { complete: true };
  return { bytes: out.endOffset, lines: out.lines, longLines: out.longLines, gzip: false, ...(out.inLongLine ? { inLongLine: true } : {}), ...failed };
}

// Reads a log, plain or gzip (told by its magic bytes, not its name), from byte `from` of its
// text, and hands over complete lines as UTF-8 chunks ending in "\n". Errors opening the file
// (missing, a directory, no permission) are thrown for the caller to describe; a read that fails
// part-way ends the text there (`complete` false, `readError`), after the lines before it.
// `onText` is told where a plain file's text starts in it (-1 for a .gz: its text is no file's bytes).
export async function readLogText(path: string, onText: TextSink, opts: { from?: number; skip?: SkipCheck } = {}): Promise<LogTextOutcome> {
  const from = opts.from ?? 0;
  const { fd, id } = openLog(path);
  try {
    if (!isGzip(fd)) {
      return plainTextOutcome(readCompleteLines(fd, Math.min(from, id.size), id.size, onText, opts.skip));
    }
    let skip = from;
    const inflated: TextSink = (text) => onText(text, -1);
    let lines: LineAssembler | undefined = from === 0 ? createLineAssembler(inflated, opts.skip) : undefined;
    let before = 10; // the byte before `from`: not a newline when an earlier run stopped inside an over-long line
    const outcome = await inflateFile(fd, path, (bytes) => {
      if (skip >= bytes.length) { skip -= bytes.length; if (bytes.length > 0) before = bytes[bytes.length - 1]!; return; }
      if (skip > 0) before = bytes[skip - 1]!;
      lines ??= createLineAssembler(inflated, opts.skip, before !== 10);
      lines.write(skip > 0 ? bytes.subarray(skip) : bytes);
      skip = 0;
    });
    return {
      // A read that failed before reaching `from` has handed over nothing: the cursor stays.
      bytes: skip > 0 && !outcome.complete ? from : from - skip + (lines?.consumed() ?? 0),
      lines: lines?.lines() ?? 0,
      longLines: lines?.longLines() ?? 0,
      ...(lines?.inLongLine() ? { inLongLine: true } : {}),
      complete: outcome.complete,
      gzip: true,
      engine: outcome.engine,
      ...(outcome.problem ? { note: outcome.problem } : {}),
      ...(outcome.readError ? { readError: true } : {}),
    };
  } finally {
    closeSync(fd);
  }
}

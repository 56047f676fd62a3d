export const CHUNK_BYTES = 1 << 20;
// A line longer than this is skipped rather than held in memory (it still advances the offset).
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Asked before a chunk of complete lines is decoded, with their bytes: true skips the chunk (its
 * lines are counted and consumed, but never decoded or handed over).
 */
export type SkipCheck = (bytes: Buffer, from: number, to: number) => boolean;

export type LineAssembler = {
  /** Where the next bytes may be written directly (a read lands here, then `commit`). */
  readonly target: () => { readonly buf: Buffer; readonly at: number; readonly room: number };
  /** `n` new bytes were written at `target().at`. */
  readonly commit: (n: number) => void;
  /** Copies bytes in (inflated gzip output), committing as it goes. */
  readonly write: (bytes: Buffer) => void;
  /** Bytes handed over as complete lines (or skipped as over-long lines) so far. */
  readonly consumed: () => number;
  readonly lines: () => number;
  readonly longLines: () => number;
};

// Turns a byte stream into UTF-8 text of complete lines only (a chunk always ends at a newline,
// so no character is split; invalid bytes become U+FFFD). The unfinished tail moves to the front
// of one reusable buffer and the next bytes land behind it, so nothing is concatenated. A partial
// last line is never handed over: `consumed` stops just past the last newline.
export function createLineAssembler(onText: (text: string) => void, skip?: SkipCheck): LineAssembler {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  let filled = 0;
  let skipping = false;
  let received = 0;
  let consumed = 0;
  let lines = 0;
  let longLines = 0;

  const commit = (n: number): void => {
    received += n;
    const total = filled + n;
    const lastNl = n > 0 ? buf.lastIndexOf(10, total - 1) : -1;
    if (lastNl < 0) {
      filled = total;
      if (filled > MAX_LINE_BYTES) { filled = 0; skipping = true; }
      return;
    }
    let from = 0;
    if (skipping) {
      from = buf.indexOf(10) + 1;
      skipping = false;
      longLines++;
      lines++;
    }
    lines += countNewlines(buf, from, lastNl + 1);
    if (lastNl + 1 > from && !skip?.(buf, from, lastNl + 1)) onText(buf.toString('utf8', from, lastNl + 1));
    filled = total - lastNl - 1;
    consumed = received - filled;
    if (filled > MAX_LINE_BYTES) { filled = 0; skipping = true; }
    else if (filled > 0) buf.copy(buf, 0, lastNl + 1, total);
  };

  return {
    target: () => ({ buf, at: filled, room: CHUNK_BYTES }),
    commit,
    write: (bytes) => {
      for (let at = 0; at < bytes.length; ) {
        const n = Math.min(CHUNK_BYTES, bytes.length - at);
        bytes.copy(buf, filled, at, at + n);
        at += n;
        commit(n);
      }
    },
    consumed: () => consumed,
    lines: () => lines,
    longLines: () => longLines,
  };
}

function countNewlines(buf: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) count++;
  return count;
}

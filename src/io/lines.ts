export const CHUNK_BYTES = 1 << 20;
// A line longer than this is skipped whole, never matched (it still advances the offset): the
// daemons cut client text far below it (nginx at 2 KiB, syslog at 8 KiB, journald at 48 KiB), so
// only a hostile or broken writer makes one, and no pattern ever runs over more than this.
export const MAX_LINE_BYTES = 1 << 16;

/**
 * Asked before a chunk of complete lines is decoded, with their bytes: true skips the chunk (its
 * lines are counted and consumed, but never decoded or handed over).
 */
export type SkipCheck = (bytes: Buffer, from: number, to: number) => boolean;

/**
 * Receives text of complete lines and where its bytes start in the stream (-1 when its characters
 * are not its bytes one for one: not plain ASCII), so a line can be found again by its place.
 */
export type TextSink = (text: string, at: number) => void;

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
  /** The bytes end inside a line longer than MAX_LINE_BYTES: they are consumed all the same. */
  readonly inLongLine: () => boolean;
};

// Turns a byte stream into UTF-8 text of complete lines only (a chunk always ends at a newline,
// so no character is split; invalid bytes become U+FFFD). The unfinished tail moves to the front
// of one reusable buffer and the next bytes land behind it, so nothing is concatenated. A partial
// last line is never handed over: `consumed` stops just past the last newline, except inside an
// over-long line, whose bytes are consumed as they come (a 2 GiB line without a newline is read
// once, not on every run). `midLine`: the bytes start inside a line (the rest of an over-long line
// whose start an earlier run skipped): everything up to the first newline is skipped too.
export function createLineAssembler(onText: TextSink, skip?: SkipCheck, midLine = false): LineAssembler {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES + MAX_LINE_BYTES);
  let filled = 0;
  let skipping = midLine;
  let resumed = midLine;
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
      if (skipping || filled > MAX_LINE_BYTES) startSkipping();
      return;
    }
    let from = 0;
    if (skipping) {
      from = buf.indexOf(10) + 1;
      skipping = false;
      if (!resumed) longLines++;
      resumed = false;
      lines++;
    }
    const counted = countLines(buf, from, lastNl + 1);
    lines += counted.lines;
    longLines += counted.long.length;
    // The text between over-long lines, each piece handed over on its own (most chunks: one piece).
    let at = from;
    const start = received - total;
    for (const [a, b] of [...counted.long, [lastNl + 1, lastNl + 1] as const]) {
      for (let p = at; p < a; ) {
        const q = pieceEnd(buf, p, a);
        if (!skip?.(buf, p, q)) {
          const text = buf.toString('utf8', p, q);
          onText(text, text.length === q - p ? start + p : -1);
        }
        p = q;
      }
      at = b;
    }
    filled = total - lastNl - 1;
    consumed = received - filled;
    if (filled > MAX_LINE_BYTES) startSkipping();
    else if (filled > 0) buf.copy(buf, 0, lastNl + 1, total);
  };
  // The line so far is dropped and its bytes consumed; the rest goes up to its newline.
  const startSkipping = () => {
    filled = 0;
    skipping = true;
    consumed = received;
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
    inLongLine: () => skipping,
  };
}

// Text is handed over in pieces of about PIECE_BYTES, each ending at a newline: a string that
// small is made in V8's young generation and freed by the next scavenge, where a 1 MiB one lands in
// the large-object space and stays until a full collection (a big first scan's heap then grows by
// the chunks read, not by what it keeps).
const PIECE_BYTES = 64 << 10;

function pieceEnd(buf: Buffer, from: number, to: number): number {
  if (to - from <= PIECE_BYTES) return to;
  const nl = buf.lastIndexOf(10, from + PIECE_BYTES - 1);
  return nl >= from ? nl + 1 : Math.min(to, buf.indexOf(10, from) + 1 || to);
}

// The newlines in [from, to), and the lines longer than MAX_LINE_BYTES among them ([start, end
// past their newline)), which are never handed over.
function countLines(buf: Buffer, from: number, to: number): { lines: number; long: [number, number][] } {
  let lines = 0;
  const long: [number, number][] = [];
  let start = from;
  for (let i = buf.indexOf(10, from); i >= 0 && i < to; i = buf.indexOf(10, i + 1)) {
    lines++;
    if (i - start > MAX_LINE_BYTES) long.push([start, i + 1]);
    start = i + 1;
  }
  return { lines, long };
}

// Logs are written in time order: a chunk whose last line is dated before `before` holds nothing
// that can matter (a scan's lines older than the longest ban plus findtime, with slack for
// reordered lines). The date is read with `dates`, the reader of the lines that are matched.
export function skipOlderThan(dates: { readonly read: (line: string) => { readonly time: number } | null }, before: number): SkipCheck {
  return (bytes, from, to) => {
    if (before === -Infinity) return false;
    const start = Math.max(from, bytes.lastIndexOf(10, to - 2) + 1);
    const time = dates.read(bytes.toString('utf8', start, to - 1))?.time;
    return time !== undefined && time < before;
  };
}

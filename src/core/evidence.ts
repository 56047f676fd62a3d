// Evidence lines of a run kept as places in the logs instead of text. A first scan with permanent
// bans has 100k+ addresses with a few lines each: as text that is most of the run's memory. A line
// of a plain log read this run is kept as where it is (source, byte offset, length) and read back
// only for the addresses that are banned or stay pending; other lines (.gz, journal, lines joined
// or carried over from the last run) are kept as text.

/** One evidence line: its text, or a handle a LineReader reads it back by. */
export type LineRef = string | number;

/** The lines of these handles, in the same order ('' for a line that could not be read back). */
export type LineReader = (handles: readonly number[]) => string[];

/** Reads nothing: for runs and tests whose lines are all text. */
export const NO_LINES: LineReader = (handles) => {
  if (handles.length > 0) throw new Error('evidence handles without a reader');
  return [];
};

/** Where a line of a log read this run starts: source number × 2^38 + byte offset (files below 256 GiB). */
export const POS_SOURCE = 2 ** 38;

export const posOf = (source: number, at: number): number => source * POS_SOURCE + at;

// Evidence lines as text, read back in one call: handles are resolved, text is kept as it is.
export function resolveLines(lists: readonly (readonly LineRef[])[], read: LineReader): string[][] {
  const handles: number[] = [];
  for (const list of lists) for (const l of list) if (typeof l === 'number') handles.push(l);
  if (handles.length === 0) return lists as string[][];
  const lines = read(handles);
  let i = 0;
  return lists.map((list) => list.map((l) => (typeof l === 'number' ? lines[i++]! : l)));
}

// A saved record's lines: text only (what the store and state files hold).
export function savedLines(lines: readonly LineRef[]): string[] {
  return lines.map((l) => {
    if (typeof l !== 'string') throw new Error('an evidence handle in saved state');
    return l;
  });
}

/** Bans read back this many at a time: their text is held only while they are written. */
const BATCH = 512;

// The items with their evidence as text, `BATCH` at a time, for writing them as they come (the
// store's evidence log, the report); an item whose lines are all text is passed on as it is.
export type WithText<T> = Omit<T, 'evidence'> & { readonly evidence: readonly string[] };

export function* withLines<T extends { readonly evidence: readonly LineRef[] }>(items: Iterable<T>, read: LineReader): Generator<WithText<T>> {
  let batch: T[] = [];
  const flush = function* () {
    const lines = resolveLines(batch.map((b) => b.evidence), read);
    for (let i = 0; i < batch.length; i++) yield batch[i]!.evidence === lines[i] ? (batch[i] as WithText<T>) : { ...batch[i]!, evidence: lines[i]! };
    batch = [];
  };
  for (const item of items) {
    batch.push(item);
    if (batch.length >= BATCH) yield* flush();
  }
  yield* flush();
}

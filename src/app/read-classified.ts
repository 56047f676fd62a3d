// One log read and classified (core/classify) for `test` and `stats`: on one thread, or for a big
// plain file on several (io/match-pool), the records handed on in file order either way.
import { availableParallelism } from 'node:os';
import { createClassifier, type ClassifyJail, type ClassifyOptions } from '../core/classify.js';
import { SLICE_RECORDS, unpackSlices, type HitBatch, type PackedBatch } from '../core/hits.js';
import type { StatsPart, StatsTally } from '../core/stats.js';
import type { MatcherSource } from '../rules/compile.js';
import { plainTextOutcome, readLogText, type LogTextOutcome } from '../io/log-text.js';
import { openLog } from '../io/reader.js';
import { isGzip } from '../io/gunzip.js';
import { closeSync } from 'node:fs';

/** Below this many bytes a file is read on one thread: starting workers would cost more than they save. */
export const PARALLEL_MIN_BYTES = 32 << 20;

/** Parts whose counts come back instead of their records can be big: only the counts wait. */
const COUNTED_PART_BYTES = 64 << 20;


export type Threads = {
  /** How many threads may classify (default for test and stats: the machine's cores, at most 4; for scan: 1). */
  readonly threads?: number;
  /** Use them whatever the file's size (tests of the cut points). */
  readonly force?: boolean;
};

export type Classified = {
  readonly outcome: LogTextOutcome;
  /** Lines handed to the classifier (the line numbers of the records run up to it). */
  readonly classified: number;
  readonly misses: readonly { readonly lineNo: number; readonly text: string }[];
  readonly guarded: { readonly tainted: number; readonly joined: number };
  /** Threads that classified. */
  readonly threads: number;
};

/** The batches of one read: `lineBase` is added to a record's lineNo for its number in the file. */
export type OnBatch = (batch: HitBatch, lineBase: number) => void;

function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

// The jails' patterns can be compiled again on another thread only if each has its sources and no
// record guard (a guarded daemon's record may span a cut: that log is read on one thread).
function parallelFile(path: string, jails: readonly ClassifyJail[], sources: readonly (MatcherSource | undefined)[], t: Threads) {
  const threads = t.threads ?? defaultThreads();
  if (threads < 2 || sources.some((s) => s === undefined) || jails.some((j) => j.matcher.guards.length > 0)) return null;
  const { fd, id } = openLog(path);
  try {
    if (isGzip(fd) || (!t.force && id.size < PARALLEL_MIN_BYTES)) return null;
    return { threads, id };
  } finally {
    closeSync(fd);
  }
}

// Reads `path` from its start, classifying every line; `onBatch` gets the records in file order.
// `tail`: text to classify after the file's complete lines (a last line without its newline);
// `onBytes`: how much of the file was read since the last call (a progress bar).
// `stats`: the tally to count into; records made on other threads are then counted there.
export type ReadExtras = { readonly tail?: (outcome: LogTextOutcome) => string; readonly onBytes?: (n: number) => void; readonly stats?: StatsTally };

export async function readClassified(path: string, jails: readonly ClassifyJail[], sources: readonly (MatcherSource | undefined)[], opts: ClassifyOptions, t: Threads,
  onBatch: OnBatch, extras: ReadExtras = {}): Promise<Classified> {
  const tail = extras.tail ?? (() => '');
  const onBytes = extras.onBytes ?? (() => {});
  const par = parallelFile(path, jails, sources, t);
  if (par) {
    const { classifyOnThreads } = await import('../io/match-pool.js');
    const misses: { lineNo: number; text: string }[] = [];
    let classified = 0;
    const guarded = { tainted: 0, joined: 0 };
    const take = (r: { misses: Classified['misses']; guarded: Classified['guarded']; batch: HitBatch | PackedBatch; classified: number; stats?: StatsPart }) => {
      for (const m of r.misses) if (misses.length < opts.missSamples) misses.push({ lineNo: classified + m.lineNo, text: m.text });
      if (r.stats && extras.stats) extras.stats.merge(r.stats);
      if ('table' in r.batch) for (const b of unpackSlices(r.batch)) onBatch(b, classified);
      else onBatch(r.batch, classified);
      classified += r.classified;
      guarded.tainted += r.guarded.tainted;
      guarded.joined += r.guarded.joined;
    };
    const setup = {
      jails: jails.map((j, i) => ({ source: sources[i]!, since: j.since, ...(j.datepattern ? { datepattern: j.datepattern } : {}) })), classify: opts,
      ...(extras.stats ? { tally: 'stats' as const } : {}),
    };
    const out = await classifyOnThreads({ path, dev: par.id.dev, ino: par.id.ino, from: 0, to: par.id.size }, setup, par.threads, (r, bytes) => {
      take(r);
      onBytes(bytes);
    }, extras.stats ? COUNTED_PART_BYTES : undefined);
    const outcome = plainTextOutcome(out);
    const rest = tail(outcome);
    if (rest !== '') {
      const c = createClassifier(jails, opts);
      c.write(rest, -1);
      c.end();
      take({ misses: c.misses(), guarded: c.guarded(), batch: c.take(), classified: c.lines() });
    }
    return { outcome, classified, misses, guarded, threads: Math.min(par.threads, out.parts) };
  }
  const classifier = createClassifier(jails, opts);
  const outcome = await readLogText(path, (text, at) => {
    onBytes(text.length);
    classifier.write(text, at);
    // Small batches: records that wait long enough outlive the young generation.
    if (classifier.pending() >= SLICE_RECORDS) onBatch(classifier.take(), 0);
  });
  const rest = tail(outcome);
  if (rest !== '') classifier.write(rest, -1);
  classifier.end();
  onBatch(classifier.take(), 0);
  return { outcome, classified: classifier.lines(), misses: classifier.misses(), guarded: classifier.guarded(), threads: 1 };
}

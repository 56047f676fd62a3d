import { statSync } from 'node:fs';
import type { AttemptInput, OpenSlot } from '../core/attempts.js';
import { createFailureTally, type Failures } from '../core/tally.js';
import { forgetSpellings } from '../core/ip.js';
import type { Keyer } from '../core/shields.js';
import type { FileCursor, State } from '../core/state.js';
import type { Jail } from '../config/types.js';
import { discoverLogs } from '../io/discover.js';
import { isRotatedSibling } from '../core/rotation.js';
import { noJournal, type JournalSource } from '../io/journal.js';
import type { SkipCheck } from '../io/lines.js';
import { noProgress, type Progress } from '../io/progress.js';
import { readChain, type LogFile, type Note, type PlainReader } from './read-chain.js';
import { PARALLEL_MIN_BYTES, type Threads } from './read-classified.js';
import { unpackSlices } from '../core/hits.js';
import { createLineReader, type PlacedFile } from '../io/line-reader.js';
import { createEvidenceRings } from '../core/evidence-rings.js';
import type { LineReader } from '../core/evidence.js';
import { readJournals } from './read-journals.js';
import { createLineSink, type LineSink, type SinkCarry } from './line-sink.js';

export type FileReport = {
  readonly path: string;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly linesRead: number;
  readonly rotated: readonly string[];
};

export type { Note } from './read-chain.js';

export type SourcesRead = {
  readonly files: readonly FileReport[];
  readonly cursors: Record<string, FileCursor>;
  readonly journals: Record<string, string>;
  readonly carry: Carry;
  readonly incoming: Map<string, Failures>;
  /** Reads back the lines `incoming` names by handle (from the plain logs read). */
  readonly readLines: LineReader;
  readonly notes: readonly Note[];
};

// Why a log that was found a moment ago could not be opened.
function missingError(path: string): unknown {
  try {
    const st = statSync(path);
    return Object.assign(new Error('not readable'), { code: st.isFile() ? 'EACCES' : 'ENOTFILE' });
  } catch (e) {
    return e;
  }
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES') return 'permission denied: run logban as root or make the log readable';
  if (code === 'ENOTFILE' || code === 'EISDIR') return 'not a regular file: point logpath at the log file';
  if (code === 'ELOOP') return 'symlink loop: fix the link';
  if (code === 'EIO') return `${(e as Error).message}; nothing was counted from it this run, it is read again next run; check the disk (dmesg)`;
  return (e as Error).message;
}

export type Carry = NonNullable<State['carry']>;

// This run's open attempts by jail and source: sources read now replace theirs, the others
// (a log that could not be read) keep what they had; jails no longer configured are dropped.
function createCarry(saved: Carry | undefined, jails: readonly Jail[]) {
  const out: Record<string, Record<string, readonly OpenSlot<AttemptInput>[]>> = {};
  for (const jail of jails) {
    const kept = saved?.[jail.name];
    if (kept) out[jail.name] = { ...kept };
  }
  return {
    forSource: (source: string): SinkCarry => ({
      resume: (jail) => saved?.[jail]?.[source],
      keep: (jail, open) => {
        const bySource = (out[jail] ??= {});
        if (open.length > 0) bySource[source] = open;
        else delete bySource[source];
        if (Object.keys(bySource).length === 0) delete out[jail];
      },
    }),
    result: (): Carry => out,
  };
}


export type SavedSources = {
  readonly files: Readonly<Record<string, FileCursor>>;
  readonly journals?: Readonly<Record<string, string>> | undefined;
  readonly carry?: Carry | undefined;
};

// Reads every jail's logs from the saved offsets (catching up on rotated files) and journals
// from the saved cursors; one pass per source serves all jails that watch it.
export type ReadDeps = {
  readonly journal?: JournalSource | undefined;
  /** A progress display for the bytes about to be read (a first scan over big logs). */
  readonly progress?: ((totalBytes: number) => Progress) | undefined;
  /** Per jail, the window key of an address (jails that count by prefix); absent: the address. */
  readonly keyers?: ReadonlyMap<string, Keyer>;
  /** Threads for a big plain log (see read-classified); absent: the default. */
  readonly threads?: Threads;
};

// The reader that classifies a big plain log on several threads for `sink` (only when asked:
// a scan's counting and ban side take most of its time, and each thread adds a heap), or
// undefined when its lines are read on this one. Each part's records reach the sink in file order.
function bigReader(sink: LineSink, t: Threads, numberOf: (f: LogFile) => number, progress: Progress, notes: Note[]): PlainReader | undefined {
  const threads = t.threads ?? 1;
  const setup = sink.parallel;
  if (threads < 2 || setup === undefined) return undefined;
  return async (file, from, to) => {
    if (!t.force && to - from < PARALLEL_MIN_BYTES) return null;
    const { classifyOnThreads } = await import('../io/match-pool.js');
    const source = numberOf(file);
    const { parts, ...out } = await classifyOnThreads({ path: file.path, dev: file.dev, ino: file.ino, from, to }, setup, threads, (r, bytes) => {
      for (const b of unpackSlices(r.batch)) sink.consume(b, source);
      progress.advance(bytes);
    });
    notes.push({ level: 'info', text: `${file.path}: ${out.endOffset - from} bytes read on ${Math.min(threads, parts)} threads` });
    return out;
  };
}

// Bytes of the current files past their saved offsets: what a progress bar counts towards.
function pendingBytes(paths: Iterable<string>, saved: SavedSources['files']): number {
  let total = 0;
  for (const path of paths) {
    try {
      const st = statSync(path);
      const c = saved[path];
      total += Math.max(0, st.size - (c && c.ino === st.ino ? c.offset : 0));
    } catch {
      // reported when it is read
    }
  }
  return total;
}

export async function readSources(jails: readonly Jail[], saved: SavedSources, now: number, deps: ReadDeps = {}): Promise<SourcesRead> {
  const journal = deps.journal ?? noJournal;
  const notes: Note[] = [];
  const byFile = new Map<string, Jail[]>();
  // A path that is there but no regular file (a FIFO, a directory, a symlink loop) is never
  // opened: one warning per path, however many jails name it; its saved offset is kept.
  const refused = new Map<string, string>();
  for (const jail of jails.filter((j) => j.logpath.length > 0)) {
    const found = await discoverLogs(jail.logpath);
    const all = new Set(found.files);
    const files = found.files.filter((f) => !isRotatedSibling(f, all));
    for (const r of found.refused) refused.set(r.path, r.reason);
    // A log that is missing right now (logrotate's create mode) is still caught up on.
    for (const p of jail.logpath) if (saved.files[p] && !all.has(p) && !refused.has(p)) files.push(p);
    if (files.length === 0 && found.refused.length === 0) notes.push({ level: 'warning', text: `jail ${jail.name}: no log file found (${jail.logpath.join(', ')})` });
    else for (const m of found.missing) notes.push({ level: 'info', text: `jail ${jail.name}: ${m}` });
    for (const f of files) byFile.set(f, [...(byFile.get(f) ?? []), jail]);
  }
  for (const [path, reason] of refused) notes.push({ level: 'warning', text: `${path}: ${reason}` });
  // The jails' evidence lines, by place in the plain logs read (each file numbered as it comes).
  const rings = createEvidenceRings();
  const tallies = new Map(jails.map((j) => [j.name, createFailureTally(j, now, rings, deps.keyers?.get(j.name))] as const));
  const placed: PlacedFile[] = [];
  const numbers = new Map<string, number>();
  const numberOf = (f: LogFile): number => {
    const key = `${f.dev} ${f.ino} ${f.path}`;
    let n = numbers.get(key);
    if (n === undefined) numbers.set(key, (n = placed.push({ path: f.path, dev: f.dev, ino: f.ino }) - 1));
    return n;
  };
  const files: FileReport[] = [];
  const cursors: Record<string, FileCursor> = {};
  const carry = createCarry(saved.carry, jails);
  const progress = deps.progress?.(pendingBytes(byFile.keys(), saved.files)) ?? noProgress;
  for (const [path, fileJails] of byFile) {
    const sink = createLineSink(fileJails, tallies, now, carry.forSource(path));
    try {
      const skip: SkipCheck = (bytes, from, to) => {
        const skipped = sink.skip?.(bytes, from, to) ?? false;
        if (skipped) progress.advance(to - from);
        return skipped;
      };
      const onText = (text: string, at: number, file: LogFile) => { sink.write(text, at, at < 0 ? -1 : numberOf(file)); progress.advance(text.length); };
      const out = await readChain(path, saved.files[path], now, onText, skip, bigReader(sink, deps.threads ?? {}, numberOf, progress, notes));
      sink.end();
      notes.push(...out.notes);
      if (out.cursor === null) { notes.push({ level: 'warning', text: `${path}: ${describe(missingError(path))}` }); continue; }
      files.push({ path, startOffset: out.startOffset, endOffset: out.endOffset, linesRead: out.lines, rotated: out.rotated });
      cursors[path] = out.cursor;
    } catch (e) {
      notes.push({ level: 'warning', text: `${path}: ${describe(e)}` });
    }
  }
  progress.done();
  const journals = await readJournals(jails, saved.journals ?? {}, now, journal, (js, key) => createLineSink(js, tallies, now, carry.forSource(key)));
  forgetSpellings();
  return {
    files: [...files, ...journals.files], cursors, journals: journals.cursors, carry: carry.result(),
    incoming: new Map([...tallies].map(([name, t]) => [name, t.failures])),
    readLines: createLineReader(rings, placed),
    notes: [...notes, ...journals.notes],
  };
}

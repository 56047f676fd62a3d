import { statSync } from 'node:fs';
import { createAttemptCounter, type AttemptInput, type OpenSlot } from '../core/attempts.js';
import { longestBan } from '../core/escalation.js';
import { ownString } from '../core/own-string.js';
import { createAddressRelay } from '../core/connection-address.js';
import { forEachCandidateLine, matchLine, relatesAddresses, roleOf } from '../core/match.js';
import { createGuardStage, createTaintCursor } from '../core/record-guard.js';
import { relevantSince } from '../core/window.js';
import { createFailureTally, type FailureTally, type Failures } from '../core/tally.js';
import type { FileCursor, State } from '../core/state.js';
import { createDateReader } from '../core/timestamp.js';
import type { Jail } from '../config/types.js';
import { discoverLogs } from '../io/discover.js';
import { isRotatedSibling } from '../core/rotation.js';
import { noJournal, type JournalSource } from '../io/journal.js';
import type { SkipCheck } from '../io/lines.js';
import { noProgress, type Progress } from '../io/progress.js';
import { readChain, type Note } from './read-chain.js';
import { readJournals } from './read-journals.js';

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
  readonly notes: readonly Note[];
};

const detach = ownString;

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

export type LineSink = {
  readonly write: (text: string) => void;
  readonly end: () => void;
  /** Whether a chunk of lines can be skipped undecoded: its last line is far too old to matter. */
  readonly skip?: SkipCheck;
};

// Logs are written in time order; a chunk whose last line is this much older than what can still
// matter is skipped whole (the slack covers reordered lines and clock or DST changes).
const SKIP_SLACK = 86400;

/** Keys with lines in the last minute before `now` stay open for the next run (see attempts). */
export const CARRY_SECONDS = 60;

/** Where a sink finds the attempts its source left open last run, and leaves this run's. */
export type SinkCarry = {
  readonly resume: (jail: string) => readonly OpenSlot<AttemptInput>[] | undefined;
  readonly keep: (jail: string, open: OpenSlot<AttemptInput>[]) => void;
};
const NO_CARRY: SinkCarry = { resume: () => undefined, keep: () => {} };

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

// The text handler for one source: every line goes through the matchers of the jails that
// watch it, and each attempt (not each line: see core/attempts) lands in that jail's tally with
// its time read from the line. `end` counts what still waits when the source is read.
export function createLineSink(jails: readonly Jail[], incoming: ReadonlyMap<string, FailureTally>, now: number, carry: SinkCarry = NO_CARRY): LineSink {
  const shared = createDateReader(now);
  const perJail = jails.map((jail) => {
    const tally = incoming.get(jail.name)!;
    // A jail that names its date formats gets a reader limited to them.
    const dates = jail.datepattern ? createDateReader(now, { pattern: jail.datepattern }) : shared;
    const since = relevantSince({ ...jail, longestBan: longestBan(jail) }, now);
    const resume = carry.resume(jail.name) ?? [];
    const counter = createAttemptCounter<AttemptInput>({ count: (m) => tally.add(m.ip, m.time, m.line) }, { resume });
    // Lines that name no address take their connection's (see core/connection-address).
    const relay = relatesAddresses(jail.matcher) ? createAddressRelay(counter) : null;
    const feed = relay ? relay.feed : counter.feed;
    const visit = (line: string) => {
      // The time first: a line too old to matter is never matched.
      const time = dates.read(line)?.time ?? now;
      if (time < since) return;
      const v = matchLine(line, jail.matcher, true);
      // reset_on_success: a login that worked forgets the failures of its address before it.
      if (v.kind === 'success' && jail.resetOnSuccess) tally.reset(v.ip, time);
      if (v.kind === 'match' || v.kind === 'companion' || v.kind === 'success') {
        // A companion may wait in the counter: copied, so it does not hold its 1 MiB chunk.
        const kept = v.kind === 'companion' ? detach(line) : line;
        feed({ ip: v.ip, time, pattern: v.pattern, line: kept, role: roleOf(v), key: v.key, user: v.user });
      } else if (relay && v.kind === 'address') {
        if (v.key !== undefined) relay.lend(v.key, v.ip, time);
      } else if (relay && v.kind === 'unaddressed') {
        relay.borrow({ ip: '', time, pattern: v.pattern, line: detach(line), role: 'companion', key: v.key }, v.key);
      }
    };
    // Lines inside a record a client cut open with a newline never count; a proved whole record
    // is matched as one line (see record-guard).
    const stage = createGuardStage(jail.matcher.guards, (text, taint, joined) => {
      const tainted = createTaintCursor(taint);
      forEachCandidateLine(text, jail.matcher.prefilterRe, (line, start) => {
        if (taint.length === 0 || !tainted(start)) visit(line);
      });
      for (const j of joined) visit(j.line);
    });
    return { jail, tally, counter, stage };
  });
  const oldest = Math.min(...jails.map((jail) => relevantSince({ ...jail, longestBan: longestBan(jail) }, now)));
  return {
    skip(bytes, from, to) {
      if (oldest === -Infinity) return false;
      const start = Math.max(from, bytes.lastIndexOf(10, to - 2) + 1);
      const time = shared.read(bytes.toString('utf8', start, to - 1))?.time;
      return time !== undefined && time < oldest - SKIP_SLACK;
    },
    write(text) {
      for (const { stage } of perJail) stage.write(text);
      for (const { tally } of perJail) tally.settle();
    },
    end() {
      for (const { stage } of perJail) stage.end();
      for (const { tally } of perJail) tally.settle();
      for (const { jail, counter } of perJail) carry.keep(jail.name, counter.suspend(now - CARRY_SECONDS));
    },
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
};

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
  const tallies = new Map(jails.map((j) => [j.name, createFailureTally(j, now)] as const));
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
      const out = await readChain(path, saved.files[path], now, (text) => { sink.write(text); progress.advance(text.length); }, skip);
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
  return {
    files: [...files, ...journals.files], cursors, journals: journals.cursors, carry: carry.result(),
    incoming: new Map([...tallies].map(([name, t]) => [name, t.failures])),
    notes: [...notes, ...journals.notes],
  };
}

import { closeSync, openSync } from 'node:fs';
import type { FileCursor } from '../core/state.js';
import { digest, HEAD_BYTES, readBytes, readHead, tailDigest } from '../io/fingerprint.js';
import { listGenerations, type RotatedFile } from '../io/generations.js';
import { readLogText } from '../io/log-text.js';
import type { SkipCheck, TextSink } from '../io/lines.js';
import { openLog, readCompleteLines, type FileId, type ReadOutcome } from '../io/reader.js';

export type Note = { readonly level: 'warning' | 'info'; readonly text: string };

/** The file a text came from, as it was when read (its lines can be read again by place). */
export type LogFile = { readonly path: string; readonly dev: number; readonly ino: number };

/** Text of complete lines, where it starts in `file` (-1: not by place, see TextSink) and the file. */
export type ChainText = (text: string, at: number, file: LogFile) => void;

export type ChainRead = {
  /** Where the next run goes on; null when there is nothing to remember. */
  readonly cursor: FileCursor | null;
  readonly startOffset: number;
  readonly endOffset: number;
  readonly lines: number;
  /** Rotated files read to catch up, oldest first. */
  readonly rotated: readonly string[];
  readonly notes: readonly Note[];
};

type Current = { readonly fd: number; readonly id: FileId };

function fileSink(path: string, cur: Current, onText: ChainText): TextSink {
  const file: LogFile = { path, dev: cur.id.dev, ino: cur.id.ino };
  return (text, at) => onText(text, at, file);
}

// The current file, or null when it does not exist (between logrotate's rename and create).
// Anything else (no permission, a directory, a symlink loop) is thrown for the report; the
// cursor then stays where it was.
function openCurrent(path: string): Current | null {
  try {
    return openLog(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

// Whether the current file is still the one the cursor points into: same start, and the bytes
// before the offset unchanged (copytruncate keeps the inode but not the text).
function isSameFile(cur: Current, cursor: FileCursor): boolean {
  if (cursor.inFile !== undefined || cur.id.size < cursor.offset) return false;
  const sameInode = cur.id.dev === cursor.dev && cur.id.ino === cursor.ino;
  if (cursor.head === undefined) return sameInode;
  if (!sameInode && !cursor.headLen) return false;
  if (digest(readBytes(cur.fd, 0, cursor.headLen ?? 0)) !== cursor.head) return false;
  return cursor.tail === undefined || tailDigest(cur.fd, cursor.offset) === cursor.tail;
}

// A rotated file is the one the cursor was in when its head matches and, for plain files, the
// bytes before the offset too. An inode match is the surest sign.
async function matchRotated(file: RotatedFile, cursor: FileCursor): Promise<'inode' | 'content' | null> {
  const sameInode = file.dev === cursor.dev && file.ino === cursor.ino;
  // No digests: a cursor from before they were kept, or one taken while the disk failed.
  if (cursor.head === undefined) return sameInode && (file.gzip ? cursor.inFile !== undefined : file.size >= cursor.offset) ? 'inode' : null;
  const fd = openSync(file.path, 'r');
  try {
    const head = await readHead(fd, file.path, file.gzip, cursor.headLen ?? 0);
    if (digest(head) !== cursor.head) return null;
    if (!file.gzip && (file.size < cursor.offset || (cursor.tail !== undefined && tailDigest(fd, cursor.offset) !== cursor.tail))) return null;
    return sameInode ? 'inode' : 'content';
  } finally {
    closeSync(fd);
  }
}

async function findPrevious(files: readonly RotatedFile[], cursor: FileCursor): Promise<number> {
  const found: { index: number; how: 'inode' | 'content' }[] = [];
  for (let i = 0; i < files.length; i++) {
    const how = await matchRotated(files[i]!, cursor);
    if (how) found.push({ index: i, how });
  }
  const byInode = found.find((f) => f.how === 'inode');
  if (byInode) return byInode.index;
  // An empty head matches anything: then the oldest file written to after the last run.
  const later = found.find((f) => files[f.index]!.mtime >= (cursor.readAt ?? 0));
  return (later ?? found[found.length - 1])?.index ?? -1;
}

// The cursor for a plain file read up to `end`. Its lines are already counted, so a disk that
// fails while the head or tail is digested still gets a cursor at `end`, known by inode only.
function plainCursor(fd: number, id: FileId, end: number, now: number): FileCursor {
  const headLen = Math.min(HEAD_BYTES, end);
  try {
    return { offset: end, dev: id.dev, ino: id.ino, head: digest(readBytes(fd, 0, headLen)), headLen, tail: tailDigest(fd, end), readAt: now, mtime: id.mtimeMs };
  } catch {
    return { offset: end, dev: id.dev, ino: id.ino, readAt: now };
  }
}

// What a read of a plain log has to report: over-long lines skipped, and a failed read. The lines
// before a failed read are counted and the cursor stops after them, so the next run goes on from
// there: nothing is counted twice, and nothing is skipped while the disk fails.
function readNotes(path: string, out: ReadOutcome): Note[] {
  const notes: Note[] = out.longLines > 0 ? [{ level: 'info', text: `${path}: skipped ${out.longLines} line(s) longer than 64 KiB (never matched)` }] : [];
  if (out.inLongLine) notes.push({ level: 'info', text: `${path}: ends inside a line longer than 64 KiB that has no newline yet; it is skipped up to its newline, and reading goes on after it` });
  if (out.failure) {
    notes.push({ level: 'warning', text: `${path}: read error at byte ${out.failure.at} (${out.failure.reason}); the lines before byte ${out.endOffset} are counted, the rest is read again next run; check the disk (dmesg)` });
  }
  return notes;
}

// The usual cron run: the file the cursor points into, not written since it was read to its end
// (same inode, size and modification time). Nothing to read or digest; the cursor stays.
function isUntouched(cur: Current, cursor: FileCursor): boolean {
  return cursor.inFile === undefined && cursor.mtime !== undefined && cursor.mtime === cur.id.mtimeMs
    && cur.id.size === cursor.offset && cur.id.dev === cursor.dev && cur.id.ino === cursor.ino;
}

// The cursor for a rotated file a catch-up stopped in (a .gz still being written, a failed
// read); known by inode only when even its head cannot be read again.
async function rotatedCursor(file: RotatedFile, end: number, now: number): Promise<FileCursor> {
  const known = { offset: end, dev: file.dev, ino: file.ino, readAt: now, inFile: file.path };
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch {
    return known;
  }
  try {
    const headLen = Math.min(HEAD_BYTES, end);
    const head = digest(await readHead(fd, file.path, file.gzip, headLen));
    return { ...known, head, headLen, ...(file.gzip ? {} : { tail: tailDigest(fd, end) }) };
  } catch {
    return known;
  } finally {
    closeSync(fd);
  }
}

// Reads one log from where the last run stopped. When logrotate moved it away since, the rest of
// the old file is read from the saved offset wherever it went (renamed, gzipped, copied), then
// every newer rotated generation in order, then the current file from its start: no line lost,
// none read twice.
/**
 * Reads bytes [from, to) of a plain file some other way (on several threads), or declines with
 * null (the file is small, or its lines must be read on this thread); what it read is handed on
 * as a one-thread read would have.
 */
export type PlainReader = (file: LogFile & { readonly fd: number }, from: number, to: number) => Promise<ReadOutcome | null>;

// The current file's bytes [from, to): by `big` when it takes them, else in chunks on this thread.
async function readPlain(path: string, cur: Current, from: number, onText: ChainText, skip: SkipCheck | undefined, big: PlainReader | undefined): Promise<ReadOutcome> {
  const file = { path, dev: cur.id.dev, ino: cur.id.ino, fd: cur.fd };
  return (await big?.(file, from, cur.id.size)) ?? readCompleteLines(cur.fd, from, cur.id.size, fileSink(path, cur, onText), skip);
}

export async function readChain(path: string, saved: FileCursor | undefined, now: number, onText: ChainText, skip?: SkipCheck, big?: PlainReader): Promise<ChainRead> {
  const cur = openCurrent(path);
  try {
    if (cur && saved && isUntouched(cur, saved)) return { cursor: saved, startOffset: saved.offset, endOffset: saved.offset, lines: 0, rotated: [], notes: [] };
    if (cur && (saved === undefined || isSameFile(cur, saved))) {
      const start = saved?.offset ?? 0;
      const out = await readPlain(path, cur, start, onText, skip, big);
      return { cursor: plainCursor(cur.fd, cur.id, out.endOffset, now), startOffset: start, endOffset: out.endOffset, lines: out.lines, rotated: [], notes: readNotes(path, out) };
    }
    if (saved === undefined) return { cursor: null, startOffset: 0, endOffset: 0, lines: 0, rotated: [], notes: [] };
    return await catchUp(path, cur, saved, now, onText, skip, big);
  } finally {
    if (cur) closeSync(cur.fd);
  }
}

async function catchUp(path: string, cur: Current | null, saved: FileCursor, now: number, onText: ChainText, skip?: SkipCheck, big?: PlainReader): Promise<ChainRead> {
  const notes: Note[] = [];
  const files = await listGenerations(path);
  const prev = await findPrevious(files, saved);
  let queue: { file: RotatedFile; from: number }[];
  if (prev >= 0) {
    queue = files.slice(prev).map((file, i) => ({ file, from: i === 0 ? saved.offset : 0 }));
  } else {
    const where = saved.inFile ?? path;
    notes.push({ level: 'warning', text: `${path}: lines lost to rotation: the rest of ${where} after byte ${saved.offset} is gone (it is not among the rotated files); keep more rotations (logrotate "rotate") or run logban more often` });
    queue = files.filter((f) => f.mtime >= (saved.readAt ?? Infinity)).map((file) => ({ file, from: 0 }));
  }
  // One generation may exist twice while logrotate compresses it: read the plain one only.
  queue = queue.filter((q, i) => i === 0 || q.file.generation.key !== queue[i - 1]!.file.generation.key);
  const rotated: string[] = [];
  let lines = 0;
  let last: { file: RotatedFile; end: number } | null = null;
  for (let i = 0; i < queue.length; i++) {
    const { file, from } = queue[i]!;
    let out;
    try {
      out = await readLogText(file.path, (text, at) => onText(text, at, file), { from, ...(skip ? { skip } : {}) });
    } catch (e) {
      notes.push({ level: 'warning', text: `${file.path}: could not read the rotated file (${(e as Error).message}); its lines are skipped` });
      continue;
    }
    rotated.push(file.path);
    lines += out.lines;
    last = { file, end: out.bytes };
    if (!out.complete) {
      // The newest .gz may still be being written, and a failed read may succeed later: stop
      // there and go on next run. If the last run stopped at the same byte, the file is not
      // growing but damaged, or the disk keeps failing there: skip its rest.
      const stuck = saved.inFile === file.path && saved.offset === out.bytes;
      if ((i === queue.length - 1 || out.readError) && !stuck) {
        notes.push({ level: out.readError ? 'warning' : 'info', text: `${file.path}: ${out.note ?? 'incomplete'}; the rest is read next run` });
        return { cursor: await rotatedCursor(file, out.bytes, now), startOffset: 0, endOffset: 0, lines, rotated, notes };
      }
      notes.push({ level: 'warning', text: `${file.path}: ${out.note ?? 'incomplete'}; lines after byte ${out.bytes} of its text were skipped` });
    }
  }
  if (!cur) {
    if (!last) return { cursor: saved, startOffset: 0, endOffset: 0, lines, rotated, notes };
    notes.push({ level: 'info', text: `${path}: not there right now (being rotated?); read up to ${last.file.path}` });
    return { cursor: await rotatedCursor(last.file, last.end, now), startOffset: 0, endOffset: 0, lines, rotated, notes };
  }
  const out = await readPlain(path, cur, 0, onText, skip, big);
  notes.push(...readNotes(path, out));
  if (rotated.length > 0) notes.push({ level: 'info', text: `${path}: rotated since the last run; caught up on ${rotated.join(', ')}` });
  return { cursor: plainCursor(cur.fd, cur.id, out.endOffset, now), startOffset: 0, endOffset: out.endOffset, lines: lines + out.lines, rotated, notes };
}

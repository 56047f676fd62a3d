import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, lstatSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { CREATE_NEW, unlinkQuietly } from './safe-file.js';
import { StateError } from './state-error.js';

const { O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

/** Bytes gathered before one write(2): big enough to be cheap, small enough to stay flat in memory. */
const BATCH = 1 << 20;

export const DAMAGED_FIX = 'restore the state dir from a backup, or move it away to start over (the bans then leave the firewall at the next scan)';

// Opens a store file for reading: a regular file, never through a link; its committed length must be there.
function openCommitted(path: string, bytes: number): number {
  let fd: number;
  try {
    fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StateError(`${path}: this file of the state is missing; ${DAMAGED_FIX}`, { cause: e });
    if (code === 'ELOOP') throw new StateError(`${path}: is a symbolic link; logban does not follow links in its state dir: put the file itself in its place`, { cause: e });
    throw new StateError(`${path}: cannot read the state (${(e as Error).message}); fix its permissions or run as root`, { cause: e });
  }
  const st = fstatSync(fd);
  if (!st.isFile() || st.size < bytes) {
    closeSync(fd);
    const what = st.isFile() ? `is shorter (${st.size} bytes) than the state's head says (${bytes})` : 'is not a regular file';
    throw new StateError(`${path}: ${what}; ${DAMAGED_FIX}`);
  }
  return fd;
}

// The first `bytes` bytes of a store file (what the head committed; a killed run's tail is left out).
export function readCommitted(path: string, bytes: number): string {
  const fd = openCommitted(path, bytes);
  try {
    const buf = Buffer.allocUnsafe(bytes);
    for (let done = 0; done < bytes;) {
      const n = readSync(fd, buf, done, bytes - done, done);
      if (n === 0) throw new StateError(`${path}: ended while being read; ${DAMAGED_FIX}`);
      done += n;
    }
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

// Each committed line of a store file in turn (without its newline), read a MiB at a time.
export function* committedLines(path: string, bytes: number): Generator<string> {
  const fd = openCommitted(path, bytes);
  try {
    const buf = Buffer.allocUnsafe(BATCH);
    let rest = '';
    for (let at = 0; at < bytes;) {
      const n = readSync(fd, buf, 0, Math.min(BATCH, bytes - at), at);
      if (n === 0) throw new StateError(`${path}: ended while being read; ${DAMAGED_FIX}`);
      at += n;
      // A cut in a multi-byte character is whole again once the lines are split at '\n' (ASCII).
      const text = rest + buf.toString('latin1', 0, n);
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) yield Buffer.from(line, 'latin1').toString('utf8');
    }
    if (rest !== '') throw new StateError(`${path}: the last committed line is cut short; ${DAMAGED_FIX}`);
  } finally {
    closeSync(fd);
  }
}

/** Collects text and writes it in batches to one open file. */
export type Appender = { readonly add: (text: string) => void; readonly bytes: () => number; readonly close: () => void };

function appenderOn(fd: number, start: number): Appender {
  let parts: string[] = [];
  let size = 0;
  let at = start;
  const flush = () => {
    if (parts.length === 0) return;
    const bytes = Buffer.from(parts.join(''));
    parts = [];
    size = 0;
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
    at += bytes.length;
  };
  return {
    add(text) {
      parts.push(text);
      size += text.length;
      if (size >= BATCH) flush();
    },
    bytes: () => at + Buffer.byteLength(parts.join('')),
    close() {
      flush();
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

// Appends after the committed `bytes` of an existing store file: a killed run's uncommitted tail is cut first.
export function appendAfter(path: string, bytes: number): Appender {
  const fd = openCommitted(path, bytes);
  closeSync(fd);
  const out = openSync(path, O_WRONLY | O_NOFOLLOW);
  try {
    if (fstatSync(out).size > bytes) ftruncateSync(out, bytes);
  } catch (e) {
    closeSync(out);
    throw e;
  }
  return appenderOn(out, bytes);
}

// A store file made new (a leftover of a killed run with that name is removed first, never followed).
export function createNew(path: string): Appender {
  unlinkQuietly(path);
  return appenderOn(openSync(path, CREATE_NEW, 0o600), 0);
}

// Replaces `path` by a file of `pieces` in one step: temp file, fsync, rename, fsync of the dir.
export function replaceFile(dir: string, path: string, pieces: Iterable<string>): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const out = createNew(tmp);
    for (const piece of pieces) out.add(piece);
    out.close();
    renameSync(tmp, path);
  } catch (e) {
    unlinkQuietly(tmp);
    throw e;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

// Size of a store file, or null when it is not there (no link followed).
export function sizeOf(path: string): number | null {
  try {
    const st = lstatSync(path);
    return st.isFile() ? st.size : -1;
  } catch {
    return null;
  }
}

export function removeQuietly(paths: readonly string[]): void {
  for (const p of paths) {
    try {
      unlinkSync(p);
    } catch { /* gone already */ }
  }
}

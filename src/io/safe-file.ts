import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

/** Open flags for a file logban creates: never an existing name, never through a symlink. */
export const CREATE_NEW = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;

// A write that failed, in words for the one line on stderr: what happened and what to do.
export function describeWriteError(e: unknown): { readonly reason: string; readonly fix: string } {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOSPC': return { reason: 'no space left on device', fix: 'free space (or inodes) on that file system' };
    case 'EDQUOT': return { reason: 'disk quota exceeded', fix: 'raise the quota or free space on that file system' };
    case 'EROFS': return { reason: 'read-only file system', fix: 'remount it read-write or use another --state-dir' };
    case 'EIO': return { reason: 'input/output error', fix: 'check the disk (dmesg)' };
    case 'EACCES':
    case 'EPERM': return { reason: 'permission denied', fix: 'run logban as root or fix the permissions of the state dir' };
    default: return { reason: (e as Error).message, fix: 'check the state dir and its file system' };
  }
}

// Creates `path` (mode 0600) with `write` filling it; on any failure the new file is removed and the
// error rethrown. An existing name is not followed or reused: EEXIST goes to the caller.
export function createExclusive(path: string, write: (fd: number) => void): void {
  const fd = openSync(path, CREATE_NEW, 0o600);
  try {
    write(fd);
  } catch (e) {
    closeQuietly(fd);
    unlinkQuietly(path);
    throw e;
  }
  try {
    closeSync(fd);
  } catch (e) {
    unlinkQuietly(path);
    throw e;
  }
}

export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
}

// The text of a regular file, read without following a symlink or waiting on a FIFO.
export function readNoFollow(path: string): string {
  const fd = openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error(`${path}: not a regular file`), { code: 'EINVAL', path });
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

export function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* the write error is the one to report */
  }
}

import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createExclusive, describeWriteError, readNoFollow, writeAll } from './safe-file.js';
import { checkStateDir } from './state-dir.js';
import { StateError } from './state-error.js';

export class LockHeld extends Error {}

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isHolderAlive(text: string): boolean {
  const [pid, started] = text.trim().split(' ');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 && startTime(n) !== null && startTime(n) === started;
}

// What the lock holds; '' for anything that is not a regular file (never followed or waited on).
function holderOf(path: string): string | null {
  try {
    return lstatSync(path).isFile() ? readNoFollow(path) : '';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : '';
  }
}

// One run at a time per state dir. The lock file holds pid and process start time, so a lock left
// by a killed run (or a reused pid) is recognised as stale and taken over. It is created new
// (O_EXCL, O_NOFOLLOW): a link planted in its place is removed, never written through.
export function acquireLock(dir: string): () => void {
  checkStateDir(dir, true);
  const path = join(dir, 'lock');
  const me = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      createExclusive(path, (fd) => writeAll(fd, me));
      return () => {
        if (holderOf(path) === me) {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        const { reason, fix } = describeWriteError(e);
        throw new StateError(`${path}: cannot create the lock (${reason}); ${fix}; this run did nothing`, { cause: e });
      }
      const holder = holderOf(path);
      if (holder === null) continue;
      if (isHolderAlive(holder)) throw new LockHeld(`${path}: another logban run (pid ${holder.split(' ')[0]}) is still working; this run did nothing`);
      try {
        unlinkSync(path);
      } catch {
        /* someone else took it over first */
      }
    }
  }
  throw new LockHeld(`${path}: could not take the lock; another logban run is starting`);
}

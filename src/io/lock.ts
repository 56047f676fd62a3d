import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

// One run at a time per state dir. The lock file holds pid and process start time, so a lock left
// by a killed run (or a reused pid) is recognised as stale and taken over.
export function acquireLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'lock');
  const me = `${process.pid} ${startTime(process.pid) ?? ''}\n`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, me);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === me) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = '';
      try {
        holder = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
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

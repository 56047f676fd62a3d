import { lstatSync, mkdirSync, readlinkSync, type Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { StateError } from './state-error.js';

function runningUser(): { uid: number; name: string } {
  const uid = process.getuid?.() ?? 0;
  try {
    return { uid, name: userInfo().username };
  } catch {
    return { uid, name: String(uid) };
  }
}

function lstatOrNull(dir: string): Stats | null {
  try {
    return lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError(`${dir}: cannot use the state dir (${(e as Error).message}); check the path given by --state-dir or LOGBAN_STATE_DIR`, { cause: e });
  }
}

function linkTarget(dir: string): string {
  try {
    return readlinkSync(dir);
  } catch {
    return '?';
  }
}

// Why `st` is no state dir for root to write in, or null when it is fine.
function problemWith(dir: string, st: Stats): string | null {
  const me = runningUser();
  if (st.isSymbolicLink()) {
    return `${dir}: the state dir is a symbolic link (to ${linkTarget(dir)}); give the real directory with --state-dir or LOGBAN_STATE_DIR`;
  }
  if (!st.isDirectory()) return `${dir}: the state dir is not a directory; move it away or give another --state-dir`;
  if (st.uid !== me.uid && st.uid !== 0) {
    return `${dir}: the state dir is owned by uid ${st.uid}, not by ${me.uid === 0 ? 'root' : `${me.name} or root`}; run chown ${me.name} ${dir}`;
  }
  const mode = st.mode & 0o7777;
  if ((mode & 0o022) !== 0) {
    return `${dir}: the state dir is writable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 700 ${dir}`;
  }
  return null;
}

// A state dir that others can write to, or swap for a link, lets them choose what logban (run as
// root) writes and where: refuse it. `create`: make a missing one (mode 0700) first; without it a
// missing dir is fine (nothing to read yet) and false is returned.
export function checkStateDir(dir: string, create: boolean): boolean {
  let st = lstatOrNull(dir);
  if (st === null) {
    if (!create) return false;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new StateError(`${dir}: cannot create the state dir (${(e as Error).message}); create it (mode 0700) or give another --state-dir`, { cause: e });
    }
    st = lstatOrNull(dir);
    if (st === null) throw new StateError(`${dir}: the state dir vanished right after it was created; check who else writes there`);
  }
  const problem = problemWith(dir, st);
  if (problem !== null) throw new StateError(problem);
  return true;
}

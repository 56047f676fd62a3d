import { existsSync, lstatSync, readlinkSync, type Stats } from 'node:fs';
import { readNoFollow } from './safe-file.js';
import { StateError } from './state-error.js';

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

// Why the state file cannot be read as one, naming it and what to do; null: a regular file.
function refusal(path: string, st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isSymbolicLink()) {
    let target = '?';
    try {
      target = readlinkSync(path);
    } catch { /* gone meanwhile */ }
    if (!existsSync(path)) {
      return `${path}: the state file is a symbolic link to ${target}, which does not exist; the bans and offsets are not there: restore the file from a backup, or remove the link to start over`;
    }
    return `${path}: the state file is a symbolic link (to ${target}); logban does not follow links in its state dir: put the file itself in its place`;
  }
  return `${path}: the state file is ${kindOf(st)}, not a regular file; move it away (logban then starts over) or restore the file from a backup`;
}

// The state file's text; null when there is none yet (a first run).
export function readStateText(path: string): string | null {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError(`${path}: cannot read the state file (${(e as Error).message}); fix its permissions or run as root`, { cause: e });
  }
  const refused = refusal(path, st);
  if (refused !== null) throw new StateError(refused);
  try {
    return readNoFollow(path);
  } catch (e) {
    throw new StateError(`${path}: cannot read the state file (${(e as Error).message}); fix its permissions or run as root`, { cause: e });
  }
}

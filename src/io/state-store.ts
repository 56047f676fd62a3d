import { closeSync, existsSync, fsyncSync, lstatSync, openSync, readdirSync, readlinkSync, renameSync, unlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_STATE, parseState, serializeStatePieces, type State } from '../core/state.js';
import { createExclusive, describeWriteError, readNoFollow, unlinkQuietly, writeAll } from './safe-file.js';
import { checkStateDir } from './state-dir.js';
import { StateError } from './state-error.js';

export { StateError } from './state-error.js';

export const STATE_FILE = 'state.json';

export type StateStore = {
  readonly path: string;
  /** A missing file is a first run; anything unreadable or damaged is an error, never a reset. */
  readonly load: () => State;
  readonly save: (state: State) => void;
  /** Temp files a killed run left behind. */
  readonly leftovers: () => string[];
};

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
function readStateText(path: string): string | null {
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

// The temp file, created new: a leftover or a planted link of the same name is removed (never
// followed) and the name tried once more.
function writeTemp(tmp: string, state: State): void {
  const fill = (fd: number) => {
    for (const piece of serializeStatePieces(state)) writeAll(fd, piece);
    fsyncSync(fd);
  };
  try {
    createExclusive(tmp, fill);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  try {
    unlinkSync(tmp);
  } catch (e) {
    throw new StateError(`${tmp}: something is in the way of the temp file and cannot be removed (${(e as Error).message}); remove it`, { cause: e });
  }
  createExclusive(tmp, fill);
}

function saveError(path: string, e: unknown): StateError {
  if (e instanceof StateError) return e;
  const { reason, fix } = describeWriteError(e);
  return new StateError(`${path}: cannot save the state (${reason}); ${fix}; the previous state is kept`, { cause: e });
}

// The state file of a state dir; every use checks the dir first (see checkStateDir).
export function createStateStore(dir: string): StateStore {
  const path = join(dir, STATE_FILE);
  return {
    path,
    load() {
      if (!checkStateDir(dir, false)) return EMPTY_STATE;
      const text = readStateText(path);
      if (text === null) return EMPTY_STATE;
      const parsed = parseState(text);
      if (parsed.ok) return parsed.value;
      const where = parsed.error.line !== undefined ? `${path}:${parsed.error.line}` : path;
      throw new StateError(`${where}: ${parsed.error.message}; the file was left as it is: restore it from a backup or move it away to start over`);
    },
    save(state) {
      checkStateDir(dir, true);
      const tmp = `${path}.tmp-${process.pid}`;
      try {
        writeTemp(tmp, state);
        renameSync(tmp, path);
      } catch (e) {
        unlinkQuietly(tmp);
        throw saveError(path, e);
      }
      try {
        const dirFd = openSync(dir, 'r');
        try {
          fsyncSync(dirFd);
        } finally {
          closeSync(dirFd);
        }
      } catch (e) {
        throw new StateError(`${dir}: the state was saved but the dir could not be synced (${describeWriteError(e).reason}); check the disk`, { cause: e });
      }
    },
    leftovers() {
      try {
        return readdirSync(dir).filter((f) => f.startsWith(`${STATE_FILE}.tmp-`)).map((f) => join(dir, f));
      } catch {
        return [];
      }
    },
  };
}

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_STATE, parseState, serializeStatePieces, type State } from '../core/state.js';

export const STATE_FILE = 'state.json';

export class StateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type StateStore = {
  readonly path: string;
  /** A missing file is a first run; anything unreadable or damaged is an error, never a reset. */
  readonly load: () => State;
  readonly save: (state: State) => void;
  /** Temp files a killed run left behind. */
  readonly leftovers: () => string[];
};

export function createStateStore(dir: string): StateStore {
  const path = join(dir, STATE_FILE);
  return {
    path,
    load() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
        throw new StateError(`${path}: cannot read the state file (${(e as Error).message}); fix its permissions or run as root`, { cause: e });
      }
      const parsed = parseState(text);
      if (parsed.ok) return parsed.value;
      const where = parsed.error.line !== undefined ? `${path}:${parsed.error.line}` : path;
      throw new StateError(`${where}: ${parsed.error.message}; the file was left as it is: restore it from a backup or move it away to start over`);
    },
    save(state) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${path}.tmp-${process.pid}`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        for (const piece of serializeStatePieces(state)) writeSync(fd, piece);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
      const dirFd = openSync(dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
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

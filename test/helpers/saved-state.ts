import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { State } from '../../src/core/state.js';
import { createStateStore } from '../../src/io/state-store.js';

// What a state dir holds, as one state: the bans with their evidence lines and the whois answers
// (the store keeps those apart; a test compares the whole).
export function savedState(stateDir: string): State {
  const store = createStateStore(stateDir);
  const state = store.load();
  const bans = state.bans.map((b) => store.loadFor(b.ip).bans.find((x) => x.jail === b.jail) ?? b);
  const whois = store.loadWhois();
  return { ...state, bans, ...(whois ? { whois } : {}) };
}

// The saved state as one JSON text (null when nothing was saved), for "the state never names X".
export function savedText(stateDir: string): string | null {
  return existsSync(join(stateDir, 'state.json')) ? JSON.stringify(savedState(stateDir)) : null;
}

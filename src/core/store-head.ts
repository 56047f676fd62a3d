import type { FirewallStamp } from './firewall-print.js';
import type { JailLoad } from './jail-capacity.js';
import { checkRunFields, type State } from './state.js';
import { err, ok, type Result } from './result.js';

/** A log file of the store and how much of it the head has committed. */
export type LogRef = { readonly file: string; readonly bytes: number; readonly records: number };

// The store's commit point (head.json), rewritten whole by every commit, so it holds only what
// every run needs: cursors, windows, open attempts, the journals' cursors, the boot, and a
// summary of the ban log (how many bans are in force and when the next one ends) in place of the bans.
export type Head = {
  readonly version: 2;
  /** One more at every commit. */
  readonly generation: number;
  /** One more at every commit that changed a ban: the firewall's marker carries it. */
  readonly banGeneration: number;
  readonly files: State['files'];
  readonly windows: State['windows'];
  readonly carry?: State['carry'];
  readonly journals?: State['journals'];
  readonly bootId?: string;
  readonly lists?: State['lists'];
  readonly bans: LogRef & { readonly live: number; readonly nextExpiry: number | null; readonly loads?: readonly JailLoad[] };
  readonly evidence: LogRef;
  /** The whois snapshot file, when there is one. */
  readonly whois?: string;
  /** The fleet snapshot file ([fleet]: decisions enforced, bans and unbans to send), when there is one. */
  readonly fleet?: string;
  /** The checks the saved bans last passed (jails, ignoreip, host addresses): when they change, every ban is checked again. */
  readonly guard?: string;
  /** What logban's part of the firewall looked like after the last full read (absent: read it in full next time). */
  readonly firewall?: FirewallStamp;
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
// Store file names are the store's own: a plain name in the state dir, never a path.
const isOwnName = (v: unknown, prefix: string) => typeof v === 'string' && new RegExp(`^${prefix}\\.\\d+\\.(log|json)$`).test(v);

function logRefOk(v: unknown, prefix: string): boolean {
  return isObj(v) && isOwnName(v['file'], prefix) && isCount(v['bytes']) && isCount(v['records']);
}

function loadsOk(v: unknown): boolean {
  return Array.isArray(v) && v.every((l) => isObj(l) && typeof l['jail'] === 'string' && (l['family'] === 4 || l['family'] === 6) && isCount(l['count'])
    && (l['nets'] === undefined || isCount(l['nets'])));
}

function stampOk(v: unknown): boolean {
  return isObj(v) && typeof v['backend'] === 'string' && typeof v['print'] === 'string' && typeof v['checkedAt'] === 'number'
    && Array.isArray(v['families']) && v['families'].every((f) => f === 4 || f === 6);
}

// The head's data (parsed JSON), checked; a head of the wrong shape is refused (the caller names the file).
export function checkHead(data: unknown): Result<Head, string> {
  if (!isObj(data) || data['version'] !== 2) return err('not a logban state head (version 2 expected)');
  if (!isCount(data['generation']) || !isCount(data['banGeneration'])) return err('"generation" is damaged');
  const problem = checkRunFields(data);
  if (problem !== null) return err(problem);
  const bans = data['bans'];
  if (!logRefOk(bans, 'bans') || !isObj(bans) || !isCount(bans['live']) || !(bans['nextExpiry'] === null || typeof bans['nextExpiry'] === 'number')) {
    return err('"bans" is damaged');
  }
  if (bans['loads'] !== undefined && !loadsOk(bans['loads'])) return err('"bans" is damaged');
  if (!logRefOk(data['evidence'], 'evidence')) return err('"evidence" is damaged');
  if (data['whois'] !== undefined && !isOwnName(data['whois'], 'whois')) return err('"whois" is damaged');
  if (data['fleet'] !== undefined && !isOwnName(data['fleet'], 'fleet')) return err('"fleet" is damaged');
  if (data['guard'] !== undefined && typeof data['guard'] !== 'string') return err('"guard" is damaged');
  if (data['firewall'] !== undefined && !stampOk(data['firewall'])) return err('"firewall" is damaged');
  return ok(data as Head);
}

// The state a head alone gives: everything but the bans, their history and the whois answers.
export function stateOfHead(head: Head): State {
  return {
    version: 1, files: head.files, windows: head.windows, bans: [],
    ...(head.carry ? { carry: head.carry } : {}), ...(head.journals ? { journals: head.journals } : {}), ...(head.bootId ? { bootId: head.bootId } : {}),
    ...(head.lists ? { lists: head.lists } : {}),
  };
}

// The head fields a state carries (the rest of the head is the store's bookkeeping).
export function runFieldsOf(state: State): Pick<Head, 'files' | 'windows' | 'carry' | 'journals' | 'bootId' | 'lists'> {
  const carry = state.carry && Object.keys(state.carry).length > 0 ? { carry: state.carry } : {};
  const journals = state.journals && Object.keys(state.journals).length > 0 ? { journals: state.journals } : {};
  const lists = state.lists && Object.keys(state.lists).length > 0 ? { lists: state.lists } : {};
  return { files: state.files, windows: state.windows, ...carry, ...journals, ...(state.bootId ? { bootId: state.bootId } : {}), ...lists };
}

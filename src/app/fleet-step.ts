import { applyStream, EMPTY_FLEET, enqueue, fleetEntries, type FleetState } from '../core/fleet.js';
import type { BanGuard } from '../core/ban-guard.js';
import type { BanEntry } from '../core/firewall-model.js';
import type { Ban } from '../core/state.js';
import type { FleetSettings } from '../config/types.js';
import type { FleetEngine } from '../io/fleet/types.js';
import type { StateStore } from '../io/state-store.js';
import type { Note } from './read-sources.js';

// The fleet's part of a run ([fleet]), around the local one: pull the engine's decisions first
// and keep them at once (the engine does not send them twice), apply them with the jails' bans,
// then send this host's new bans and unbans once they are committed.

/** The fleet as a run found it and as it leaves it for the firewall step. */
export type FleetRun = {
  readonly saved: FleetState | undefined;
  readonly now: FleetState;
  /** The fleet's firewall entries the last apply made, and those this run wants. */
  readonly before: readonly BanEntry[];
  readonly after: readonly BanEntry[];
  /** The fleet's entries changed (or a pull was kept but never applied): the firewall is planned in full. */
  readonly changed: boolean;
  readonly notes: readonly Note[];
};

const where = (settings: FleetSettings) => `fleet ${settings.url}`;

// A fleet-only commit: the head as it is, with the fleet part replaced (nothing else was read).
export function commitFleet(store: StateStore, before: FleetState | undefined, after: FleetState): void {
  const { state } = store.loadHead();
  store.save({ ...state, fleet: after }, { ...state, ...(before ? { fleet: before } : {}) });
}

// Pulls the fleet's decisions (all of them on the first run, after a reboot, or when none were
// kept) and commits them before anything else happens, so a run that fails later loses none.
// An engine away is one warning; the run goes on with the decisions it had.
export async function pullFleet(
  settings: FleetSettings, engine: FleetEngine | undefined, store: StateStore, opts: { now: number; bootId: string | null; dryRun: boolean; refuse: BanGuard; commit: boolean },
): Promise<FleetRun> {
  const saved = store.loadFleet();
  const base = saved ?? EMPTY_FLEET;
  const notes: Note[] = [];
  let now: FleetState = { ...base, decisions: base.decisions.filter((d) => d.until > opts.now) };
  if (settings.pull && engine) {
    const startup = !base.pulled || (opts.bootId !== null && base.boot !== opts.bootId);
    try {
      const answer = await engine.pull(startup);
      const pulled = applyStream(now.decisions, answer, startup, opts.now, settings.origins, opts.refuse);
      for (const text of pulled.refused) notes.push({ level: 'warning', text });
      now = { ...now, pulled: true, ...(opts.bootId !== null ? { boot: opts.bootId } : {}), decisions: pulled.decisions };
      if (pulled.added > 0 || pulled.removed > 0) notes.push({ level: 'info', text: `${where(settings)}: ${pulled.added} decision(s) new, ${pulled.removed} gone` });
      if ((startup || pulled.added > 0 || pulled.removed > 0) && !opts.dryRun && opts.commit) {
        now = { ...now, pending: true };
        commitFleet(store, saved, now);
      }
    } catch (e) {
      notes.push({ level: 'warning', text: `${where(settings)}: ${(e as Error).message}; the fleet's decisions kept from before stay in force` });
    }
  }
  const before = fleetEntries(base.decisions, -Infinity);
  const after = fleetEntries(now.decisions, opts.now, before);
  const changed = now.pending === true || before.length !== after.length || after.some((e, i) => e !== before[i]);
  return { saved, now, before, after, changed, notes };
}

// The fleet part the run commits: the decisions applied, the outbox with this run's bans and unbans.
export function fleetToCommit(run: FleetRun, settings: FleetSettings, bans: readonly Ban[], unbans: readonly { ip: string; jail: string }[], now: number): FleetState {
  const { pending: _applied, ...rest } = run.now;
  return { ...rest, outbox: settings.push ? enqueue(run.now.outbox, bans, unbans, now) : [] };
}

// Whether the run must commit for the fleet's sake: decisions pulled but not yet applied, new
// bans or unbans to send, decisions that ended, or a first run with [fleet].
export function fleetNeedsCommit(run: FleetRun, next: FleetState): boolean {
  return run.saved === undefined || run.now.pending === true || next.outbox.length !== run.now.outbox.length
    || run.now.decisions.length !== run.saved.decisions.length;
}

// Sends what waits once the run committed it, then commits what is left: an engine away keeps
// everything for the next run, which sends it first. Returns the warning, if any.
export async function sendFleet(settings: FleetSettings, engine: FleetEngine, store: StateStore, committed: FleetState, now: number): Promise<Note | null> {
  if (!settings.push || committed.outbox.length === 0) return null;
  const r = await engine.send(committed.outbox, now);
  if (r.sent > 0) commitFleet(store, committed, { ...committed, outbox: committed.outbox.slice(r.sent) });
  if (r.error === undefined) return null;
  const left = committed.outbox.length - r.sent;
  return { level: 'warning', text: `${where(settings)}: ${r.error}; ${left} ban(s)/unban(s) kept to send on the next run` };
}

import { MANUAL_JAIL } from '../core/firewall-model.js';
import { RECIDIVE_JAIL } from '../core/recidive.js';
import { canonicalTarget } from '../core/net.js';
import { EMPTY_FLEET, enqueue, fleetEntries, heldByFleet, type FleetState } from '../core/fleet.js';
import type { FleetEngine } from '../io/fleet/types.js';
import { sendFleet } from './fleet-step.js';
import { readLists } from './lists-step.js';
import { splitRefused, type BanGuard, type RefusedBan } from '../core/ban-guard.js';
import { fullBanLine, hasRoom, capacityOf } from '../core/jail-capacity.js';
import { addManualBan, removeManualBan } from '../core/manual.js';
import type { Ban, State } from '../core/state.js';
import type { Argv } from '../core/firewall-model.js';
import type { Config, Jail } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';
import type { StateStore } from '../io/state-store.js';
import { banGuardOf } from './ban-guard.js';
import { RefusedError, UsageError } from './errors.js';

/** What ban and unban need: the same config, state, firewall and host addresses as a scan. */
export type ManualDeps = {
  readonly config: Config;
  readonly store: StateStore;
  readonly firewall: Firewall;
  readonly hostAddresses: readonly string[];
  /** The fleet's engine ([fleet]): a ban or unban by hand is sent at once. */
  readonly fleet?: FleetEngine;
  /** The default routes' gateways: no network ban may hold one. */
  readonly gateways?: readonly string[];
};

// One address or a CIDR block, in the state's spelling (a block's host bits are cleared: 203.0.113.9/24 is 203.0.113.0/24).
function ipOf(text: string): string {
  const ip = canonicalTarget(text);
  if (ip === null) throw new UsageError(`"${text}" is not an IP address or CIDR block: give one, e.g. 203.0.113.9, 2001:db8::1 or 2001:db8:1:2::/64`);
  return ip;
}

function jailOf(config: Config, name: string | undefined): Jail | null {
  if (name === undefined || name === MANUAL_JAIL) return null;
  if (name === RECIDIVE_JAIL && config.recidive) throw new UsageError('the recidive jail bans by itself: ban without --jail (every port), or in a jail of your own');
  const jail = config.jails.find((j) => j.name === name);
  if (!jail) throw new UsageError(`unknown jail "${name}" (configured: ${[...config.jails.map((j) => j.name), MANUAL_JAIL].join(', ')})`);
  return jail;
}

// A ban by hand passes the checks of every ban (ban-guard); the manual jail blocks every port, so any jail's ignoreip counts.
function refuseBan(guard: BanGuard, ip: string, jail: Jail | null): void {
  const refused = guard(ip, jail?.name ?? MANUAL_JAIL);
  if (refused === null) return;
  const hint = refused.includes(' is in ignoreip of jail ') ? ' (edit ignoreip to change that)' : refused.includes(' contains ') ? ' (ban a narrower block)' : '';
  throw new UsageError(`${refused}: logban never bans it${hint}`);
}

// The state as loaded, less the saved bans that fail the checks of every ban (a state copied from
// another host, an ignoreip added since): a manual ban or unban re-applies the firewall, and those
// must not reach it. `before` is what was saved, so the firewall step takes them out.
function loadChecked(deps: ManualDeps, guard: BanGuard): { before: readonly Ban[]; loaded: State; state: State; refused: readonly RefusedBan[] } {
  const loaded = deps.store.load();
  const { kept, refused } = splitRefused(loaded.bans, guard);
  return { before: loaded.bans, loaded, state: refused.length > 0 ? { ...loaded, bans: kept } : loaded, refused };
}

const activeAt = (now: number) => (b: Ban) => b.expiresAt === null || b.expiresAt > now;

// The firewall, then the state (with the fleet's outbox grown by this change), then the fleet: the
// fleet's and the blocklists' entries are applied too, so a ban or unban by hand never takes them out.
async function commit(deps: ManualDeps, guard: BanGuard, before: readonly Ban[], after: readonly Ban[], now: number, save: (fleet: FleetState | undefined) => State | null,
  change: { bans: readonly Ban[]; unbans: readonly { ip: string; jail: string }[] }): Promise<{ commands: readonly Argv[]; fleetNote: string | null; saved: FleetState | undefined }> {
  const active = activeAt(now);
  const saved = deps.config.fleet ? deps.store.loadFleet() : undefined;
  const fleet = fleetEntries(saved?.decisions ?? [], now);
  const lists = readLists(deps.config.blocklists, guard).entries;
  const commands = await deps.firewall.apply([...after.filter(active), ...fleet, ...lists], [...before.filter(active), ...fleet, ...lists]);
  const settings = deps.config.fleet;
  const next = settings?.push ? { ...(saved ?? EMPTY_FLEET), outbox: enqueue(saved?.outbox ?? [], change.bans, change.unbans, now) } : undefined;
  const committed = save(next);
  if (!settings || !next || !committed || !deps.fleet) return { commands, fleetNote: null, saved };
  const note = await sendFleet(settings, deps.fleet, deps.store, next, now);
  return { commands, fleetNote: note?.text ?? null, saved };
}

// `logban ban <ip> [--jail J]`, through the state: the firewall first, then the state, like a scan.
export async function runBan(text: string, jailName: string | undefined, now: number, deps: ManualDeps) {
  const ip = ipOf(text);
  const jail = jailOf(deps.config, jailName);
  const guard = banGuardOf(deps.config, deps.hostAddresses, deps.gateways);
  refuseBan(guard, ip, jail);
  const { before, loaded, state, refused } = loadChecked(deps, guard);
  const r = addManualBan(state, ip, jail, now, { policy: deps.config.recidive, refuse: guard });
  if (!r.already && !hasRoom(state.bans.filter(activeAt(now)), ip, r.ban.jail, capacityOf(deps.config.backend))) {
    throw new RefusedError(fullBanLine(ip, r.ban.jail, deps.config.backend));
  }
  const save = (fleet: FleetState | undefined) => {
    if (r.already && refused.length === 0) return null;
    const next = { ...r.state, ...(fleet ? { fleet } : {}) };
    deps.store.save(next, loaded);
    return next;
  };
  const fresh = r.already ? [] : [r.ban, ...(r.recidive ?? [])];
  const { commands, fleetNote } = await commit(deps, guard, before, r.state.bans, now, save, { bans: fresh, unbans: [] });
  return { ban: r.ban, already: r.already, commands, refused, recidive: r.recidive ?? [], fleetNote };
}

// `logban unban <ip> [--jail J]`: lifts the ban and forgets the IP's pending failures there.
export async function runUnban(text: string, jailName: string | undefined, now: number, deps: ManualDeps) {
  const ip = ipOf(text);
  if (jailName !== undefined && !(jailName === RECIDIVE_JAIL && deps.config.recidive)) jailOf(deps.config, jailName);
  const guard = banGuardOf(deps.config, deps.hostAddresses, deps.gateways);
  const { before, loaded, state, refused } = loadChecked(deps, guard);
  const r = removeManualBan(state, ip, jailName ?? null);
  const save = (fleet: FleetState | undefined) => {
    const next = { ...r.state, ...(fleet ? { fleet } : {}) };
    deps.store.save(next, loaded);
    return next;
  };
  const { commands, fleetNote, saved } = await commit(deps, guard, before, r.state.bans, now, save, { bans: [], unbans: r.removed });
  // A fleet decision that holds the address is the fleet's: only the engine (or its expiry) lifts it.
  const fleetHolds = heldByFleet(saved?.decisions ?? [], ip, now);
  return { ip, removed: r.removed, commands, refused, fleetNote, fleetHolds };
}

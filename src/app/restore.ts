import type { Argv } from '../core/firewall-model.js';
import { splitRefused, type RefusedBan } from '../core/ban-guard.js';
import type { Config } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';
import type { StateStore } from '../io/state-store.js';
import { banGuardOf } from './ban-guard.js';
import { fleetEntries } from '../core/fleet.js';
import { readLists } from './lists-step.js';

export type RestoreResult = { readonly activeBans: number; readonly commands: readonly Argv[]; readonly unbans: readonly RefusedBan[] };

export type RestoreDeps = {
  readonly config: Config;
  readonly store: StateStore;
  readonly firewall: Firewall;
  readonly hostAddresses: readonly string[];
  /** The default routes' gateways: no network ban may hold one. */
  readonly gateways?: readonly string[];
};

// Puts the saved bans that are still in force back into the firewall. A saved ban that a new ban
// would not get (this host's address, loopback, ignoreip, ...) never reaches the firewall: it is
// dropped from the state, after the firewall step, and reported. Otherwise the state is only read.
// The do-nothing backend assumes an empty firewall, so it lists everything a restore would add.
export async function runRestore(now: number, deps: RestoreDeps): Promise<RestoreResult> {
  const state = deps.store.load();
  const { kept, refused: unbans } = splitRefused(state.bans, banGuardOf(deps.config, deps.hostAddresses, deps.gateways));
  const active = kept.filter((b) => b.expiresAt === null || b.expiresAt > now);
  // The fleet's saved decisions are put back with the jails' bans (a restore needs no engine).
  const fleet = deps.config.fleet ? fleetEntries(deps.store.loadFleet()?.decisions ?? [], now) : [];
  const lists = readLists(deps.config.blocklists, banGuardOf(deps.config, deps.hostAddresses, deps.gateways)).entries;
  const all = [...active, ...fleet, ...lists];
  const commands = await deps.firewall.apply(all, deps.firewall.reconciles ? all : []);
  if (unbans.length > 0) deps.store.save({ ...state, bans: kept }, state);
  return { activeBans: active.length, commands, unbans };
}

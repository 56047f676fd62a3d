import type { Argv } from '../core/firewall-model.js';
import type { Firewall } from '../io/firewall/types.js';
import type { StateStore } from '../io/state-store.js';

export type RestoreResult = { readonly activeBans: number; readonly commands: readonly Argv[] };

// Puts the saved bans that are still in force back into the firewall; the state is only read.
// The do-nothing backend assumes an empty firewall, so it lists everything a restore would add.
export async function runRestore(now: number, deps: { readonly store: StateStore; readonly firewall: Firewall }): Promise<RestoreResult> {
  const active = deps.store.load().bans.filter((b) => b.expiresAt === null || b.expiresAt > now);
  const commands = await deps.firewall.apply(active, deps.firewall.reconciles ? active : []);
  return { activeBans: active.length, commands };
}

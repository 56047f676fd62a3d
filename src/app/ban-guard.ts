import { createBanGuard, type BanGuard } from '../core/ban-guard.js';
import type { Config } from '../config/types.js';

// The checks of every ban for this config and host (the config was validated: a bad ignoreip here is a bug).
export function banGuardOf(config: Config, host: readonly string[]): BanGuard {
  const g = createBanGuard(config.jails, host);
  if (!g.ok) throw new Error(g.error);
  return g.value;
}

// What the checks of every ban depend on, as text: a saved state whose bans passed checks of
// another text has every ban checked again (ignoreip edited, a jail removed, the host renumbered).
export function guardTextOf(config: Config, host: readonly string[]): string {
  return JSON.stringify({ jails: config.jails.map((j) => [j.name, j.ignoreip]), host: [...host].sort() });
}

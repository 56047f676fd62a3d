import type { Argv } from '../../core/iptables-plan.js';

export type BanRef = { readonly ip: string; readonly jail: string };

export type Firewall = {
  /**
   * Brings the firewall in line with `bans`. `previous` is what the state says was applied last run;
   * backends that can read the real firewall reconcile against that instead. Returns the commands
   * run (or, for the do-nothing backend, that would run).
   */
  readonly apply: (bans: readonly BanRef[], previous: readonly BanRef[]) => Promise<readonly Argv[]>;
};

export class FirewallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

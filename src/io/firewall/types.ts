import type { Argv, BanEntry } from '../../core/firewall-model.js';
import type { Family } from '../../core/ip.js';

export type { BanEntry } from '../../core/firewall-model.js';

export type Firewall = {
  /**
   * Brings the firewall in line with `bans`. `previous` is what the state says was applied last run;
   * backends that can read the real firewall reconcile against that instead, unless `trusted`: the
   * cheap check of this run found the firewall as the last run left it, so only the difference
   * between `previous` and `bans` is applied, without listing every ban. Returns the commands run
   * (or, for the do-nothing backend, that would run), one argv per change.
   */
  readonly apply: (bans: readonly BanEntry[], previous: readonly BanEntry[], opts?: { readonly trusted?: boolean }) => Promise<readonly Argv[]>;
  /** True when `apply` reads the real firewall, so calling it on a quiet run heals a flushed firewall. */
  readonly reconciles: boolean;
  /**
   * A digest of cheap listings of logban's part of the firewall for these families (its chains and
   * jumps, its sets' headers and entry counts, its table without set elements): a quiet run compares
   * it with the one taken after the last full read instead of listing every ban.
   */
  readonly fingerprint?: (families: readonly Family[]) => Promise<string>;
  /** A trusted apply needs only the bans that change (ipset: one add or del each), not every ban. */
  readonly appliesDelta?: boolean;
};

/** A firewall tool missing, refusing, or failing: one line for the user, exit 1, nothing recorded. */
export class FirewallError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

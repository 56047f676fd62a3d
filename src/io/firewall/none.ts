import { familiesOf, type Argv, type BanEntry, type FirewallSetup } from '../../core/firewall-model.js';
import { dropRules, chainsAfter, planBanChains } from '../../core/iptables-plan.js';
import { planSetChains, setsAfter } from '../../core/ipset-plan.js';
import { planNft, viewOfTable, wantedTable, parseNftJson } from '../../core/nft-plan.js';
import type { Firewall } from './types.js';

/** The backend whose commands a dry run (or backend = "none") reports. */
export type PlannedBackend = 'iptables' | 'ipset' | 'nftables';

function plan(kind: PlannedBackend, setup: FirewallSetup, bans: readonly BanEntry[], previous: readonly BanEntry[]): Argv[] {
  if (kind === 'nftables') {
    const before = previous.length > 0 ? viewOfTable(wantedTable(setup, previous)) : parseNftJson('');
    return [...planNft(wantedTable(setup, bans), before).commands];
  }
  return familiesOf(setup, bans, previous).flatMap((f) => {
    if (kind === 'iptables') return [...planBanChains(setup, f, bans, chainsAfter(setup, f, dropRules(previous, f))).commands];
    const before = setsAfter(setup, f, previous);
    const p = planSetChains(setup, f, bans, before.sets, before.chains);
    return [...p.setCommands, ...p.commands];
  });
}

// Touches nothing: reports the commands the `kind` backend would issue, judged from the state
// (what --dry-run and backend = "none" use); with `shown` false, none (nobody reads them).
export function createNoneFirewall(kind: PlannedBackend, setup: FirewallSetup, shown = true): Firewall {
  return {
    reconciles: false,
    async apply(bans, previous) {
      return shown ? plan(kind, setup, bans, previous) : [];
    },
  };
}

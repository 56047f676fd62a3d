import { ipFamily, type Family } from '../../core/ip.js';
import { chainFor, planChains, type Argv, type ChainView } from '../../core/iptables-plan.js';
import type { BanRef } from './types.js';

export function chainsOf(bans: readonly BanRef[], family: Family): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const ban of bans) {
    if (ipFamily(ban.ip) !== family) continue;
    const chain = chainFor(ban.jail);
    const set = out.get(chain) ?? new Set<string>();
    set.add(ban.ip);
    out.set(chain, set);
  }
  return out;
}

// What the firewall looks like if the last run's bans were applied as planned.
export function viewOf(bans: readonly BanRef[], family: Family, hookChains: readonly string[]): ChainView {
  const chains = chainsOf(bans, family);
  const hooks = new Set([...chains.keys()].flatMap((c) => hookChains.map((h) => `${h} ${c}`)));
  return { chains, hooks };
}

export function familiesOf(...lists: (readonly BanRef[])[]): Family[] {
  const found = new Set(lists.flat().map((b) => ipFamily(b.ip)));
  return ([4, 6] as const).filter((f) => found.has(f));
}

export function planAgainst(bans: readonly BanRef[], family: Family, actual: ChainView, hookChains: readonly string[]): Argv[] {
  return planChains(family, chainsOf(bans, family), actual, hookChains);
}

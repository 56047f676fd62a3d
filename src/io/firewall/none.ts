import { familiesOf, planAgainst, viewOf } from './desired.js';
import type { Firewall } from './types.js';

// Touches nothing: reports the iptables commands a real run would issue, judged from the state.
export function createNoneFirewall(hookChains: readonly string[]): Firewall {
  return {
    async apply(bans, previous) {
      return familiesOf(bans, previous).flatMap((f) => planAgainst(bans, f, viewOf(previous, f, hookChains), hookChains));
    },
  };
}

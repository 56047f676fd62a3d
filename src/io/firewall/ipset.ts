import { familiesOf, type Argv, type FirewallSetup } from '../../core/firewall-model.js';
import { parseIpsetSave, parseIpsetSizes, planIpsetDelta, planSetChains, toIpsetRestore, type IpsetFamilyPlan } from '../../core/ipset-plan.js';
import { ipsetPart } from '../../core/firewall-print.js';
import type { Runner } from '../exec.js';
import { digest } from '../fingerprint.js';
import { checkHookChains, checkIps, listOwnRules, readChains, restoreChains } from './iptables.js';
import { runTool } from './run-tool.js';
import type { Firewall } from './types.js';

// Bans as entries of hash:ip sets with kernel timeouts (the kernel lifts a ban even if cron stops),
// matched by one iptables rule per set. One `ipset save` reads all sets, one `ipset restore -exist`
// writes every set change, then one iptables-restore per family puts the rules in place.
export function createIpsetFirewall(runner: Runner, setup: FirewallSetup): Firewall {
  return {
    reconciles: true,
    appliesDelta: true,
    async apply(bans, previous, opts) {
      if (opts?.trusted) {
        // The sets and rules are as the last run left them: write the difference, list nothing.
        const before = new Set(previous);
        checkIps(bans.filter((b) => !before.has(b)));
        const changes = planIpsetDelta(setup, previous, bans);
        if (changes.length > 0) await runTool(runner, ['ipset', 'restore', '-exist'], toIpsetRestore(changes));
        return changes;
      }
      checkIps(bans);
      const families = familiesOf(setup, bans, previous);
      if (families.length === 0) return [];
      const plans: [4 | 6, IpsetFamilyPlan][] = [];
      const saved = (await runTool(runner, ['ipset', 'save'])).stdout;
      const sets = parseIpsetSave(saved);
      for (const family of families) {
        const plan = planSetChains(setup, family, bans, sets, await readChains(runner, family), parseIpsetSizes(saved));
        checkHookChains(family, plan);
        plans.push([family, plan]);
      }
      const setCommands = plans.flatMap(([, p]) => p.setCommands);
      if (setCommands.length > 0) await runTool(runner, ['ipset', 'restore', '-exist'], toIpsetRestore(setCommands));
      for (const [family, plan] of plans) await restoreChains(runner, family, plan.commands);
      return plans.flatMap(([, p]): Argv[] => [...p.setCommands, ...p.commands]);
    },
    // The sets' headers with the kernel's entry counts (no entry listed), and the rules.
    async fingerprint(families) {
      const [sets, rules] = await Promise.all([runTool(runner, ['ipset', 'list', '-t']), listOwnRules(runner, families)]);
      return digest(Buffer.from(`${ipsetPart(sets.stdout)}\n${rules}`));
    },
  };
}

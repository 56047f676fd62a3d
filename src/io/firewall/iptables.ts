import { familiesOf, nonCanonical, type Argv, type BanEntry, type FirewallSetup } from '../../core/firewall-model.js';
import type { Family } from '../../core/ip.js';
import { binaryFor, chainsAfter, dropRules, parseRuleListing, planBanChains, toRestoreInput, type FamilyPlan, type IptablesView } from '../../core/iptables-plan.js';
import { iptablesPart } from '../../core/firewall-print.js';
import type { Runner } from '../exec.js';
import { digest } from '../fingerprint.js';
import { runTool } from './run-tool.js';
import { FirewallError, type Firewall } from './types.js';

// A hook chain that is not there is a setup problem (Docker not running, a typo), never created by logban.
export function checkHookChains(family: Family, plan: FamilyPlan): void {
  const [chain] = plan.missingChains;
  if (chain === undefined) return;
  const hint = chain === 'DOCKER-USER' ? 'is Docker running? Otherwise' : 'create it, or';
  throw new FirewallError(`${binaryFor(family)}: chain ${chain} does not exist: ${hint} set [firewall] chains (e.g. ["INPUT"])`);
}

// Refuses before any process runs if an IP is not in canonical form (the state is validated, so never expected).
export function checkIps(bans: readonly BanEntry[]): void {
  const [bad] = nonCanonical(bans);
  if (bad !== undefined) throw new FirewallError(`refusing to pass ${JSON.stringify(bad)} to the firewall: not a canonical IP address or block`);
}

// One `iptables -S` (or ip6tables) read of the whole filter table.
export async function readChains(runner: Runner, family: Family): Promise<IptablesView> {
  return parseRuleListing((await runTool(runner, [binaryFor(family), '-w', '-S'])).stdout);
}

// The family's changes as one iptables-restore batch; nothing runs when there is nothing to change.
export async function restoreChains(runner: Runner, family: Family, commands: readonly Argv[]): Promise<void> {
  if (commands.length > 0) await runTool(runner, [`${binaryFor(family)}-restore`, '-w', '--noflush'], toRestoreInput(commands));
}

// logban's rules of each family, as one text (the firewall's stamp is its digest).
export async function listOwnRules(runner: Runner, families: readonly Family[]): Promise<string> {
  // The families are listed side by side: a quiet cron run waits for the slower one only.
  const parts = await Promise.all(families.map(async (family) => `${binaryFor(family)}\n${iptablesPart((await runTool(runner, [binaryFor(family), '-w', '-S'])).stdout)}`));
  return parts.join('\n');
}

// Reads the real rules, plans the difference, and applies it as one iptables-restore batch per
// family, so a rerun adds nothing twice and a half-applied change cannot happen.
export function createIptablesFirewall(runner: Runner, setup: FirewallSetup): Firewall {
  return {
    reconciles: true,
    async apply(bans, previous, opts) {
      checkIps(bans);
      const out: Argv[] = [];
      for (const family of familiesOf(setup, bans, previous)) {
        // Trusted: the chains are as the last run left them, so they are not listed.
        const actual = opts?.trusted ? chainsAfter(setup, family, dropRules(previous, family)) : await readChains(runner, family);
        const plan = planBanChains(setup, family, bans, actual);
        checkHookChains(family, plan);
        await restoreChains(runner, family, plan.commands);
        out.push(...plan.commands);
      }
      return out;
    },
    fingerprint: async (families) => digest(Buffer.from(await listOwnRules(runner, families))),
  };
}

import { binaryFor, parseRuleListing, toRestoreInput, type Argv } from '../../core/iptables-plan.js';
import type { Family } from '../../core/ip.js';
import { ToolMissing, type Runner } from '../exec.js';
import { familiesOf, planAgainst } from './desired.js';
import { FirewallError, type Firewall } from './types.js';

function failure(argv: Argv, stderr: string): FirewallError {
  const detail = stderr.trim().split('\n')[0] ?? '';
  return new FirewallError(`${argv.join(' ')} failed: ${detail || 'no message'} (are you root, and is the iptables package installed?)`);
}

async function runChecked(runner: Runner, argv: Argv, input?: string): Promise<string> {
  try {
    const r = await runner.run(argv, input);
    if (r.exitCode !== 0) throw failure(argv, r.stderr);
    return r.stdout;
  } catch (e) {
    if (e instanceof ToolMissing) {
      throw new FirewallError(`${e.tool} not found: install it (apt-get install iptables) or set backend = "none" in [firewall]`, { cause: e });
    }
    throw e;
  }
}

// Reads the real rules, plans the difference, and applies it as one iptables-restore batch per
// family, so a rerun adds nothing twice and a half-applied change cannot happen.
export function createIptablesFirewall(runner: Runner, hookChains: readonly string[]): Firewall {
  async function applyFamily(family: Family, bans: Parameters<Firewall['apply']>[0]): Promise<Argv[]> {
    const bin = binaryFor(family);
    const listing = await runChecked(runner, [bin, '-w', '-S']);
    const commands = planAgainst(bans, family, parseRuleListing(listing), hookChains);
    if (commands.length > 0) await runChecked(runner, [`${bin}-restore`, '-w', '--noflush'], toRestoreInput(commands));
    return commands;
  }
  return {
    async apply(bans, previous) {
      const out: Argv[] = [];
      for (const family of familiesOf(bans, previous)) out.push(...(await applyFamily(family, bans)));
      return out;
    },
  };
}

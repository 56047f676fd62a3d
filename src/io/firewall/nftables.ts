import type { BanEntry, FirewallSetup } from '../../core/firewall-model.js';
import { NFT_FAMILY, NFT_TABLE, parseNftJson, planNft, viewOfTable, wantedTable } from '../../core/nft-plan.js';
import type { Runner } from '../exec.js';
import { digest } from '../fingerprint.js';
import { checkIps } from './iptables.js';
import { runTool } from './run-tool.js';
import type { Firewall } from './types.js';

const missingTable = (r: { stderr: string }) => /No such file or directory/i.test(r.stderr);

function onlyAdds(previous: readonly BanEntry[], bans: readonly BanEntry[]): boolean {
  const after = new Set(bans.map((b) => `${b.jail} ${b.ip}`));
  return previous.every((b) => after.has(`${b.jail} ${b.ip}`));
}

// The table as it is (empty when there is none).
async function readTable(runner: Runner) {
  const listed = await runTool(runner, ['nft', '-j', 'list', 'table', NFT_FAMILY, NFT_TABLE], undefined, missingTable);
  return parseNftJson(listed.exitCode === 0 ? listed.stdout : '');
}

// One table logban owns (`inet logban`) with timed sets: one `nft -j list` to read it and one
// `nft -f -` transaction to change it, IPv4 and IPv6 together.
export function createNftablesFirewall(runner: Runner, setup: FirewallSetup): Firewall {
  return {
    reconciles: true,
    async apply(bans, previous, opts) {
      checkIps(bans);
      if (bans.length === 0 && previous.length === 0 && !setup.jails.some((j) => j.connlimit !== null)) return [];
      // The kernel drops an element when its timeout ends, and deleting one that is gone fails the
      // whole transaction: a run that lifts bans reads the table, one that only adds trusts the check.
      const trusted = opts?.trusted === true && onlyAdds(previous, bans);
      const plan = planNft(wantedTable(setup, bans), trusted ? viewOfTable(wantedTable(setup, previous)) : await readTable(runner));
      if (plan.script !== '') await runTool(runner, ['nft', '-f', '-'], plan.script);
      return plan.commands;
    },
    // The table without its sets' elements (`-t`): chains, rules and set definitions.
    async fingerprint() {
      const listed = await runTool(runner, ['nft', '-t', '-j', 'list', 'table', NFT_FAMILY, NFT_TABLE], undefined, missingTable);
      return digest(Buffer.from(listed.exitCode === 0 ? listed.stdout : 'no table'));
    },
  };
}

import type { FirewallSetup } from '../../core/firewall-model.js';
import { NFT_FAMILY, NFT_TABLE, parseNftJson, planNft, planNftDelta, wantedTable } from '../../core/nft-plan.js';
import type { Runner } from '../exec.js';
import { digest } from '../fingerprint.js';
import { checkIps } from './iptables.js';
import { runTool } from './run-tool.js';
import type { Firewall } from './types.js';

const missingTable = (r: { stderr: string }) => /No such file or directory/i.test(r.stderr);

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
    appliesDelta: true,
    async apply(bans, previous, opts) {
      // Trusted: the table is as the last run left it, so only the elements that change are checked and written.
      const before = new Set(opts?.trusted ? previous : []);
      checkIps(opts?.trusted ? bans.filter((b) => !before.has(b)) : bans);
      if (bans.length === 0 && previous.length === 0 && !setup.jails.some((j) => j.connlimit !== null)) return [];
      const plan = opts?.trusted ? planNftDelta(setup, previous, bans) : planNft(wantedTable(setup, bans), await readTable(runner));
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

// Writes fixtures/firewall/* from the real tools: in a network namespace of its own, the ipset and
// nftables plans for BANS with SETUP are applied, and what `ipset save`, `iptables -S` and
// `nft -j list table inet logban` print then is kept. Run as root when the plans' output changes:
//   npx vite-node test/helpers/capture-firewall-fixtures.ts
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planSetChains, toIpsetRestore } from '../../src/core/ipset-plan.js';
import { parseRuleListing, toRestoreInput } from '../../src/core/iptables-plan.js';
import { planNft, wantedTable } from '../../src/core/nft-plan.js';
import { BANS, SETUP } from './firewall-fixture.js';
import { ROOT } from './cli.js';

const ns = `lbfix${process.pid}`;
const run = (argv: string[], input?: string) => execFileSync('ip', ['netns', 'exec', ns, ...argv], { input, encoding: 'utf8' });
const out = (name: string, text: string) => writeFileSync(join(ROOT, 'fixtures/firewall', name), text);

execFileSync('ip', ['netns', 'add', ns]);
try {
  const plan = planSetChains(SETUP, 4, BANS, new Map(), parseRuleListing(run(['iptables', '-S'])));
  const v6 = planSetChains(SETUP, 6, BANS, new Map(), parseRuleListing(run(['ip6tables', '-S'])));
  run(['ipset', 'restore'], toIpsetRestore([...plan.setCommands, ...v6.setCommands]));
  run(['iptables-restore', '--noflush'], toRestoreInput(plan.commands));
  // The kernel's timeouts count down: the fixture keeps them as the plans set them.
  out('ipset-save.txt', run(['ipset', 'save']).replace(/ timeout (\d+)$/gm, (m, t: string) => (t === '0' ? m : ` timeout ${Number(t) + 1}`)));
  out('iptables-S-ipset.txt', run(['iptables', '-S']));
  run(['nft', '-f', '-'], planNft(wantedTable(SETUP, BANS), { exists: false, structure: new Set(), elements: new Map() }).script);
  out('nft-table.json', `${JSON.stringify(JSON.parse(run(['nft', '-j', 'list', 'table', 'inet', 'logban'])), null, 1)}\n`);
} finally {
  execFileSync('ip', ['netns', 'del', ns]);
}

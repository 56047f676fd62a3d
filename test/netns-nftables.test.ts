import { describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { describeBackendLifecycle } from './helpers/backend-scenarios.js';
import { expectMissingTool, firewallConfig, NOW, scanVictim, threeFailures, useBareNamespaces } from './helpers/victim.js';
import { nsExec } from './helpers/netns.js';

// nftables backend: one table `inet logban` with timed sets.
describeBackendLifecycle('nftables');

const gate = rootOrSkip();
const bare = useBareNamespaces();

// Element timeouts in the table, from `nft -j list table inet logban` (seconds; absent = none).
function elementTimeouts(ns: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const data = JSON.parse(nsExec(ns, ['nft', '-j', 'list', 'table', 'inet', 'logban']).stdout) as { nftables: Record<string, any>[] };
  for (const item of data.nftables) {
    for (const e of item['set']?.elem ?? []) {
      if (typeof e === 'string') out[`${item['set'].name} ${e}`] = null;
      else out[`${item['set'].name} ${e.elem.val}`] = e.elem.timeout;
    }
  }
  return out;
}

describe.skipIf(gate.skip)(`nftables timeouts and failures (${gate.reason})`, () => {
  it('elements carry the ban\'s remaining time, none for a permanent ban', () => {
    const ns = bare.ns();
    const sb = bare.sandbox(firewallConfig('nftables') + '\n[jails.forever]\nlogpath = ["$DIR/forever.log"]\nrules = ["sshd"]\nbantime = -1\n');
    sb.append('auth.log', threeFailures('2001:db8::50'));
    sb.append('forever.log', threeFailures('203.0.113.60'));
    scanVictim(ns, sb, NOW);
    expect(elementTimeouts(ns)).toEqual({ 'ban6-sshd 2001:db8::50': 3600, 'ban4-forever 203.0.113.60': null });
  }, 60_000);

  it('nft missing: one line naming it, exit 1, the ban not recorded, retried by the next run', () => {
    const ns = bare.ns();
    const sb = bare.sandbox(firewallConfig('nftables'));
    sb.append('auth.log', threeFailures('203.0.113.50'));
    expectMissingTool(ns, sb, '203.0.113.50', '/nonexistent', /^logban: nft not found: install it \(apt-get install nftables\)/);
  }, 60_000);
});

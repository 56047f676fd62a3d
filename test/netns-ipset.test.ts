import { describe, expect, it } from 'vitest';
import { rootOrSkip, sshdFailure } from './helpers/cli.js';
import { describeBackendLifecycle } from './helpers/backend-scenarios.js';
import { expectMissingTool, firewallConfig, NOW, pathWith, scanVictim, threeFailures, useBareNamespaces } from './helpers/victim.js';
import { nsExec } from './helpers/netns.js';

// ipset backend: hash:ip sets with kernel timeouts, one iptables rule per set.
describeBackendLifecycle('ipset');

const gate = rootOrSkip();
const bare = useBareNamespaces();

// Timeouts the kernel holds for each IP of logban's sets, from `ipset save`.
function kernelTimeouts(ns: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of nsExec(ns, ['ipset', 'save']).stdout.split('\n')) {
    const m = /^add (\S+) (\S+) timeout (\d+)$/.exec(line);
    if (m) out[`${m[1]} ${m[2]}`] = Number(m[3]);
  }
  return out;
}

describe.skipIf(gate.skip)(`ipset timeouts and failures (${gate.reason})`, () => {
  it('the kernel timeout is the ban\'s remaining time, 0 for a permanent ban, and doubles for a repeat offender', () => {
    const ns = bare.ns();
    const sb = bare.sandbox(firewallConfig('ipset', { sshd: 'bantime_factor = 2\nmaxbantime = "3h"' }) + '\n[jails.forever]\nlogpath = ["$DIR/forever.log"]\nrules = ["sshd"]\nbantime = "permanent"\n');
    sb.append('auth.log', threeFailures('203.0.113.50'));
    sb.append('forever.log', threeFailures('203.0.113.60'));
    const first = scanVictim(ns, sb, NOW);
    expect(first.newBans.map((b) => [b.ip, b.jail, b.expiresAt])).toEqual([['203.0.113.50', 'sshd', '2026-11-21T10:45:00Z'], ['203.0.113.60', 'forever', null]]);
    const t1 = kernelTimeouts(ns);
    // A live ban: an hour from the scan at 09:45:00, counted down by the kernel from the moment it was added.
    expect(t1['logban-sshd-v4 203.0.113.50']).toBeGreaterThan(3600 - 30);
    expect(t1['logban-sshd-v4 203.0.113.50']).toBeLessThanOrEqual(3600);
    expect(t1['logban-forever-v4 203.0.113.60']).toBe(0);

    expect(scanVictim(ns, sb, '2026-11-21T11:45:00Z').unbans.map((u) => u.ip)).toEqual(['203.0.113.50']);
    sb.append('auth.log', ['11:50:00', '11:50:01', '11:50:02'].map((t) => sshdFailure(t, '203.0.113.50')).join(''));
    const second = scanVictim(ns, sb, '2026-11-21T11:55:00Z');
    expect(second.newBans.map((b) => b.expiresAt)).toEqual(['2026-11-21T13:55:00Z']);
    const t2 = kernelTimeouts(ns)['logban-sshd-v4 203.0.113.50']!;
    expect(t2).toBeGreaterThan(7200 - 30);
    expect(t2).toBeLessThanOrEqual(7200);
  }, 60_000);

  it('ipset missing: one line naming it, exit 1, the ban not recorded, retried by the next run', () => {
    const ns = bare.ns();
    const sb = bare.sandbox(firewallConfig('ipset'));
    sb.append('auth.log', threeFailures('203.0.113.50'));
    const path = pathWith(['iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore'], sb.dir);
    expectMissingTool(ns, sb, '203.0.113.50', path, /^logban: ipset not found: install it \(apt-get install ipset\)/);
  }, 60_000);
});

import type { Command } from 'commander';
import { loadConfig } from '../app/load-config.js';
import { runRestore } from '../app/restore.js';
import { createFirewall } from '../io/firewall/select.js';
import { defaultGateways, hostAddresses } from '../io/host.js';
import { acquireLock } from '../io/lock.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, withCommon, droppedLine, writeJson, writeOut, type CommonOptions } from './common.js';

// After a reboot (or `iptables -F`), puts the saved bans back; running it again changes nothing.
async function restore(flags: CommonOptions): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const dir = stateDirOf(flags);
  const release = acquireLock(dir);
  try {
    const firewall = createFirewall(config, { dryRun: false, now });
    const r = await runRestore(now, { config, store: createStateStore(dir), firewall, hostAddresses: hostAddresses(), gateways: defaultGateways() });
    if (flags.json) { writeJson(r, 2); return; }
    const out = r.unbans.map((u) => droppedLine(u).trimEnd());
    if (r.commands.length > 0) out.push(`logban: restored ${r.activeBans} ban(s)`, ...r.commands.map((c) => `  ${c.join(' ')}`));
    if (out.length > 0) writeOut(`${out.join('\n')}\n`);
  } finally {
    release();
  }
}

export function registerRestore(program: Command): void {
  withCommon(program.command('restore'))
    .description('re-apply the saved bans to the firewall (for @reboot); idempotent')
    .option('--json', 'print one JSON object')
    .action(restore);
}

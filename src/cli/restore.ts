import type { Command } from 'commander';
import { loadConfig } from '../app/load-config.js';
import { execaRunner } from '../io/exec.js';
import { createIptablesFirewall } from '../io/firewall/iptables.js';
import { createNoneFirewall } from '../io/firewall/none.js';
import { acquireLock } from '../io/lock.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, withCommon, writeOut, type CommonOptions } from './common.js';

// After a reboot (or `iptables -F`), puts the saved bans back; running it again changes nothing.
async function restore(flags: CommonOptions): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const dir = stateDirOf(flags);
  const release = acquireLock(dir);
  try {
    const state = createStateStore(dir).load();
    const active = state.bans.filter((b) => b.expiresAt === null || b.expiresAt > now);
    const firewall = config.backend === 'none' ? createNoneFirewall(config.chains) : createIptablesFirewall(execaRunner, config.chains);
    const commands = await firewall.apply(active, config.backend === 'none' ? [] : active);
    if (flags.json) writeOut(`${JSON.stringify({ activeBans: active.length, commands }, null, 2)}\n`);
    else if (commands.length > 0) writeOut(`logban: restored ${active.length} ban(s)\n${commands.map((c) => `  ${c.join(' ')}`).join('\n')}\n`);
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

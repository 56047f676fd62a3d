import type { Command } from 'commander';
import { toIso } from '../core/timestamp.js';
import { capacityWarnings } from '../core/jail-capacity.js';
import { pendingCounts } from '../core/status.js';
import { loadConfig } from '../app/load-config.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, withCommon, writeJson, writeOut, type CommonOptions } from './common.js';

// Reads the state only: safe to run while a scan holds the lock.
function status(flags: CommonOptions): void {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const state = createStateStore(stateDirOf(flags)).load();
  const active = state.bans.filter((b) => b.expiresAt === null || b.expiresAt > now);
  const warnings = capacityWarnings(config.backend, active);
  const bans = active
    .map((b) => ({
      ip: b.ip, jail: b.jail, bannedAt: toIso(b.bannedAt), expiresAt: b.expiresAt === null ? null : toIso(b.expiresAt),
      ...(b.addresses ? { addresses: b.addresses } : {}),
    }));
  const failures = pendingCounts(state, config.jails, now);
  const files = Object.entries(state.files).map(([path, c]) => ({ path, offset: c.offset }));
  if (flags.json) {
    writeJson({ bans, failures, files, ...(warnings.length > 0 ? { warnings } : {}) }, 2);
    return;
  }
  const out = [`logban: ${bans.length} active ban(s), ${failures.length} IP(s) with pending failures`, ...warnings.map((w) => `  warning: ${w}`)];
  for (const b of bans) {
    const seen = b.addresses ? `  (seen: ${b.addresses.join(', ')})` : '';
    out.push(`  banned  ${b.ip}  jail ${b.jail}  since ${b.bannedAt}  ${b.expiresAt ? `until ${b.expiresAt}` : 'permanently'}${seen}`);
  }
  for (const f of failures) out.push(`  pending ${f.ip}  jail ${f.jail}  ${f.count} failure(s)${f.addresses ? `  (seen: ${f.addresses.join(', ')})` : ''}`);
  for (const f of files) out.push(`  file    ${f.path}  offset ${f.offset}`);
  writeOut(`${out.join('\n')}\n`);
}

export function registerStatus(program: Command): void {
  withCommon(program.command('status'))
    .description('active bans, pending failures inside the window, and the saved offsets')
    .option('--json', 'print one JSON object')
    .action(status);
}

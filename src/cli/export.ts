import type { Command } from 'commander';
import { loadConfig } from '../app/load-config.js';
import { UsageError } from '../app/errors.js';
import { EXPORT_FORMATS, renderExport, type ExportFormat } from '../core/export.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, withCommon, writeOut, type CommonOptions } from './common.js';

type Flags = CommonOptions & { format: string };

// Reads the state only (like status): the bans in force of every jail, for other tools to spread.
function exportBans(flags: Flags): void {
  loadConfig(flags.config);
  if (!EXPORT_FORMATS.includes(flags.format as ExportFormat)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${flags.format}"`);
  const now = clockOf(flags).now();
  const state = createStateStore(stateDirOf(flags)).load();
  writeOut(renderExport(state.bans, now, flags.format as ExportFormat));
}

export function registerExport(program: Command): void {
  withCommon(program.command('export'))
    .description('the active bans on stdout: plain (one address or CIDR a line), ipset (for ipset restore) or nft (for nft -f)')
    .option('--format <format>', 'plain | ipset | nft', 'plain')
    .action(exportBans);
}

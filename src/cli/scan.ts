import type { Command } from 'commander';
import { hasNews, renderScanText, scanJson, type Style } from '../core/report.js';
import { loadConfig } from '../app/load-config.js';
import { runScan } from '../app/scan.js';
import { execaRunner } from '../io/exec.js';
import { createFirewall } from '../io/firewall/select.js';
import { currentBootId, hostAddresses } from '../io/host.js';
import { createJournalSource } from '../io/journal.js';
import { acquireLock } from '../io/lock.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, positiveInt, stateDirOf, withCommon, writeOut, type CommonOptions } from './common.js';

type ScanFlags = CommonOptions & { dryRun?: boolean; verbose?: boolean; maxBans: number };

// chalk only for a person at a terminal; cron mail and pipes get plain text.
async function styleFor(): Promise<Style | undefined> {
  if (!process.stdout.isTTY || process.env['NO_COLOR']) return undefined;
  const { default: chalk } = await import('chalk');
  return { strong: (s) => chalk.bold(s), dim: (s) => chalk.dim(s) };
}

async function scan(flags: ScanFlags): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const dir = stateDirOf(flags);
  const dryRun = flags.dryRun === true;
  const firewall = createFirewall(config, { dryRun, now });
  const release = dryRun ? () => {} : acquireLock(dir);
  try {
    const result = await runScan(
      { dryRun, maxBans: flags.maxBans, now },
      { config, store: createStateStore(dir), firewall, hostAddresses: hostAddresses(), bootId: currentBootId(), journal: createJournalSource(execaRunner) },
    );
    if (flags.json) writeOut(`${JSON.stringify(scanJson(result), null, 2)}\n`);
    else if (hasNews(result) || flags.verbose) writeOut(renderScanText(result, await styleFor(), flags.verbose));
  } finally {
    release();
  }
}

export function registerScan(program: Command): void {
  withCommon(program.command('scan'))
    .description('read new log lines, ban IPs over the threshold, print a report when there is news')
    .option('--dry-run', 'change nothing: no firewall command, no state write, offsets not advanced')
    .option('--json', 'print the result as one JSON object')
    .option('--verbose', 'print the report even when nothing changed, with files and notes')
    .option('--max-bans <n>', 'new bans per run at most; the rest wait for the next run', positiveInt('--max-bans'), 10000)
    .action(scan);
}

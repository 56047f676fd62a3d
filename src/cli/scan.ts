import type { Command } from 'commander';
import { hostname } from 'node:os';
import { hasNews, renderScanLines, scanJson, type Style } from '../core/report.js';
import { isKnownTimeZone } from '../core/zoned-time.js';
import { loadConfig } from '../app/load-config.js';
import { runScan } from '../app/scan.js';
import { execaRunner } from '../io/exec.js';
import { createFirewall } from '../io/firewall/select.js';
import { currentBootId, defaultGateways, hostAddresses } from '../io/host.js';
import { createJournalSource } from '../io/journal.js';
import { acquireLock } from '../io/lock.js';
import { createProgress } from '../io/progress.js';
import { createStateStore } from '../io/state-store.js';
import { createWhoisLookup } from '../io/whois.js';
import { createCrowdsecEngine } from '../io/fleet/crowdsec.js';
import { clockOf, type CommonOptions, positiveInt, stateDirOf, threadsOf, withCommon, withThreads, writeJson, writeStyled } from './common.js';

type ScanFlags = CommonOptions & { dryRun?: boolean; verbose?: boolean; maxBans: number; threads?: number };

// chalk only for a person at a terminal (and not with NO_COLOR); cron mail and pipes get plain
// text, and a quiet run never loads it.
export async function styleFor(stream: NodeJS.WriteStream = process.stdout): Promise<Style | undefined> {
  if (!stream.isTTY || process.env['NO_COLOR']) return undefined;
  const { default: chalk } = await import('chalk');
  return { strong: (s) => chalk.bold(s), dim: (s) => chalk.dim(s), warn: (s) => chalk.yellow.bold(s) };
}

// The reader's time zone (TZ or the system's), for the times in the report.
export function localTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isKnownTimeZone(zone) ? zone : 'UTC';
}

async function scan(flags: ScanFlags): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const dir = stateDirOf(flags);
  const dryRun = flags.dryRun === true;
  // The commands are printed with --json, --verbose and on a dry run; otherwise only counted.
  const shown = dryRun || flags.json === true || flags.verbose === true;
  const firewall = createFirewall(config, { dryRun, now, shown });
  const release = dryRun ? () => {} : acquireLock(dir);
  try {
    const result = await runScan(
      { dryRun, maxBans: flags.maxBans, now, keepCommands: shown },
      {
        config, store: createStateStore(dir), firewall, hostAddresses: hostAddresses(), gateways: defaultGateways(), bootId: currentBootId(), journal: createJournalSource(execaRunner),
        progress: (total) => createProgress(total, { enabled: !flags.json, label: 'scan' }), threads: threadsOf(flags),
        ...(config.report.whois ? { whois: createWhoisLookup() } : {}),
        ...(config.fleet ? { fleet: createCrowdsecEngine(config.fleet, { host: hostname() }) } : {}),
      },
    );
    if (flags.json) writeJson(scanJson(result, true), 2);
    else if (hasNews(result) || flags.verbose) {
      const style = await styleFor();
      writeStyled(renderScanLines(result, style, flags.verbose, { host: hostname(), timeZone: localTimeZone() }), style !== undefined);
    }
  } finally {
    release();
  }
}

export function registerScan(program: Command): void {
  withThreads(withCommon(program.command('scan')))
    .description('read new log lines, ban IPs over the threshold, print a report when there is news')
    .option('--dry-run', 'change nothing: no firewall command, no state write, offsets not advanced')
    .option('--json', 'print the result as one JSON object')
    .option('--verbose', 'print the report even when nothing changed, with files and notes')
    .option('--max-bans <n>', 'new bans per run at most; the rest wait for the next run', positiveInt('--max-bans'), 10000)
    .action(scan);
}

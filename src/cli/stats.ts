import type { Command } from 'commander';
import { renderStatsText, type SubnetBits } from '../core/stats.js';
import { DEFAULT_STATS_RULE, runStats } from '../app/stats.js';
import { UsageError } from '../app/errors.js';
import { createProgress } from '../io/progress.js';
import { clockOf, positiveInt, threadsOf, withCommon, withThreads, writeErr, writeJson, writeOut, type CommonOptions } from './common.js';

type StatsFlags = CommonOptions & { rule?: string; subnet: SubnetBits; by?: string; top: number; threads?: number };

function subnetBits(value: string): SubnetBits {
  if (value !== '24' && value !== '16') throw new UsageError(`--subnet ${value}: use 24 or 16 (IPv6 is always grouped by /64)`);
  return Number(value) as SubnetBits;
}

function byUnit(value: string): string {
  if (value !== 'day') throw new UsageError(`--by ${value}: only "day" is supported`);
  return value;
}

// Attacker rankings over current and rotated logs, the zgrep | awk | sort | uniq -c way, in one pass.
async function stats(patterns: string[], flags: StatsFlags): Promise<void> {
  const now = clockOf(flags).now();
  const rule = flags.rule ?? DEFAULT_STATS_RULE;
  const run = await runStats(
    { patterns, rule, bits: flags.subnet, now, threads: threadsOf(flags) },
    { progress: (total) => createProgress(total, { enabled: !flags.json, label: 'logban stats' }) },
  );
  for (const w of run.warnings) writeErr(`logban: warning: ${w}`);
  if (flags.json) {
    writeJson(run.stats, 2);
    return;
  }
  writeOut(renderStatsText(run.stats, { top: flags.top, bits: flags.subnet, byDay: flags.by === 'day', rule, files: run.files.length }));
}

export function registerStats(program: Command): void {
  withThreads(withCommon(program.command('stats')))
    .description('count matched lines per IP, subnet and day over log files, plain or .gz (current and rotated)')
    .argument('<file-or-glob...>', 'log files or quoted globs, e.g. "/var/log/auth.log*"')
    .option('--rule <rule>', `built-in rule name (see "logban rules") or a regex with <HOST> (default: ${DEFAULT_STATS_RULE})`)
    .option('--subnet <bits>', 'group IPv4 addresses by /24 or /16 (IPv6 by /64)', subnetBits, 24 as SubnetBits)
    .option('--by <unit>', 'also list counts per day (UTC) in the text view: day', byUnit)
    .option('--top <n>', 'rows shown in the text view (--json lists everything)', positiveInt('--top'), 10)
    .option('--json', 'print { lines, matched, ips, subnets, days } as one JSON object')
    .action(stats);
}

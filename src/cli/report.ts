import type { Command } from 'commander';
import { hostname } from 'node:os';
import { incidentJson } from '../core/incident.js';
import { canonicalIp } from '../core/ip.js';
import { renderIncidentText } from '../core/incident-text.js';
import { loadConfig } from '../app/load-config.js';
import { runIncidentReport } from '../app/report.js';
import { createStateStore } from '../io/state-store.js';
import { createWhoisLookup, noWhois } from '../io/whois.js';
import { clockOf, stateDirOf, withCommon, writeErr, writeJson, writeOut, type CommonOptions } from './common.js';
import { localTimeZone } from './scan.js';

type ReportFlags = CommonOptions & { whois: boolean };

// Reads the state only (safe while a scan runs); whois is asked at most a few seconds.
async function report(ip: string, flags: ReportFlags): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const state = createStateStore(stateDirOf(flags)).loadFor(canonicalIp(ip.trim()) ?? ip);
  const run = await runIncidentReport({ ip, now, lookupWhois: flags.whois }, { config, state, whois: flags.whois ? createWhoisLookup() : noWhois });
  const view = { host: hostname(), timeZone: localTimeZone() };
  for (const n of run.notes) writeErr(`logban: note: ${n}`);
  if (flags.json) writeJson(incidentJson(run.incident, view), 2);
  else writeOut(renderIncidentText(run.incident, view));
}

export function registerReport(program: Command): void {
  withCommon(program.command('report'))
    .description('an incident report about one IP for an abuse desk or CERT: network, times, attempts, bans, log lines')
    .argument('<ip>', 'the address, IPv4 or IPv6')
    .option('--json', 'print one JSON object')
    .option('--no-whois', 'do not run the whois command (saved answers are still used)')
    .action(report);
}

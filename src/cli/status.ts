import type { Command } from 'commander';
import { toIso } from '../core/timestamp.js';
import type { FleetDecision } from '../core/fleet.js';
import { capacityWarnings } from '../core/jail-capacity.js';
import { pendingCounts } from '../core/status.js';
import { loadConfig } from '../app/load-config.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, withCommon, writeJson, writeOut, type CommonOptions } from './common.js';

type FleetShown = ({ ip: string } | { range: string }) & { origin: string; scenario: string; expiresAt: string };

// The fleet's decisions as status shows them (contract: "ip" or "range", origin, scenario, expiresAt).
function fleetShown(decisions: readonly FleetDecision[], now: number): FleetShown[] {
  const longest = new Map<string, FleetDecision>();
  for (const d of decisions) if (d.until > now && (longest.get(d.value)?.until ?? -Infinity) < d.until) longest.set(d.value, d);
  return [...longest.values()].map((d) => ({
    ...(d.value.includes('/') ? { range: d.value } : { ip: d.value }), origin: d.origin, scenario: d.scenario, expiresAt: toIso(d.until),
  }));
}

// Reads the state only: safe to run while a scan holds the lock.
function status(flags: CommonOptions): void {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const store = createStateStore(stateDirOf(flags));
  const state = store.load();
  // The fleet's decisions in force, one a target (the longest), apart from this host's own bans.
  const saved = config.fleet ? store.loadFleet() : undefined;
  const fleet = fleetShown(saved?.decisions ?? [], now);
  const waiting = saved?.outbox.length ?? 0;
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
    writeJson({ bans, failures, files, ...(config.fleet ? { fleet, fleetOutbox: waiting } : {}), ...(warnings.length > 0 ? { warnings } : {}) }, 2);
    return;
  }
  const fleetLine = config.fleet ? `, ${fleet.length} fleet ban(s)${waiting > 0 ? ` (${waiting} ban(s)/unban(s) of this host waiting to be sent)` : ''}` : '';
  const out = [`logban: ${bans.length} active ban(s), ${failures.length} IP(s) with pending failures${fleetLine}`, ...warnings.map((w) => `  warning: ${w}`)];
  for (const b of bans) {
    const seen = b.addresses ? `  (seen: ${b.addresses.join(', ')})` : '';
    out.push(`  banned  ${b.ip}  jail ${b.jail}  since ${b.bannedAt}  ${b.expiresAt ? `until ${b.expiresAt}` : 'permanently'}${seen}`);
  }
  for (const f of fleet) out.push(`  fleet   ${'range' in f ? f.range : f.ip}  ${f.origin} ${f.scenario}  until ${f.expiresAt}`);
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

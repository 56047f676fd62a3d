import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, type ScanJson } from '../helpers/cli.js';
import { readText, showLines, VICTIM } from './rig.js';

export type TestJson = { lines: number; matched: number; missed: number; ignored: number; matches: { line: number; ip: string; time: string | null; pattern: number }[] };

/** One jail per rule, each reading `logpath`, as a logban.toml in a fresh dir (maxretry 5, findtime 1h, no firewall). */
export function jailsConfig(jails: readonly { rule: string; logpath: string }[]): { config: string; dir: string } {
  const dir = tempDir('logban-verdict-');
  const config = join(dir, 'logban.toml');
  const body = [
    '[defaults]', 'findtime = "1h"', 'maxretry = 5', 'bantime = "1h"', 'ignoreip = []', '',
    '[firewall]', 'backend = "none"', '',
    ...jails.flatMap((j) => [`[jails.${j.rule}]`, `logpath = [${JSON.stringify(j.logpath)}]`, `rules = [${JSON.stringify(j.rule)}]`, '']),
  ].join('\n');
  writeFileSync(config, body);
  return { config, dir };
}

// `logban scan --dry-run --json` with a state dir of its own, so every call reads the logs from the start.
export function scanDry(config: string, now: string): ScanJson {
  const stateDir = join(tempDir('logban-state-'), 'state');
  const r = runCli(['scan', '--dry-run', '--json', '--config', config, '--state-dir', stateDir, '--now', now]);
  if (r.code !== 0) throw new Error(`logban scan exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScanJson;
}

// `logban test <log> <rule> --json`.
export function testRule(log: string, rule: string, now: string): TestJson {
  const r = runCli(['test', log, rule, '--json', '--now', now]);
  if (r.code !== 0) throw new Error(`logban test ${rule} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as TestJson;
}

/** What logban made of one log: the scan's bans and, per rule, the lines `logban test` matched. */
export type Verdict = {
  readonly now: string;
  readonly bans: readonly (readonly [string, string])[];
  readonly matches: Readonly<Record<string, TestJson['matches']>>;
  readonly log: string;
  /** The log (numbered, control and non-ASCII bytes escaped) and what logban read where, for failure messages. */
  readonly explain: string;
};

// Runs both commands on `log` for `rules` (one jail each) with --now taken once, now, after the attack.
export function judge(log: string, rules: readonly string[]): Verdict {
  const now = new Date().toISOString();
  const { config } = jailsConfig(rules.map((rule) => ({ rule, logpath: log })));
  const scan = scanDry(config, now);
  const matches = Object.fromEntries(rules.map((rule) => [rule, testRule(log, rule, now).matches]));
  const text = readText(log);
  const read = Object.entries(matches).map(([rule, ms]) => `${rule}: ${ms.map((m) => `line ${m.line} -> ${m.ip}`).join(', ') || 'nothing'}`);
  const bans = scan.newBans.map((b) => [b.ip, b.jail] as const);
  const explain = [
    `--now ${now}`, `newBans: ${JSON.stringify(bans)}`, ...read,
    `${log}:`, showLines(text.replace(/\n$/, '')),
  ].join('\n');
  return { now, bans, matches, log: text, explain };
}

// The lines (1-based numbers) each rule read as the victim's.
export function victimMatches(v: Verdict): Record<string, number[]> {
  return Object.fromEntries(Object.entries(v.matches).map(([rule, ms]) => [rule, ms.filter((m) => m.ip === VICTIM).map((m) => m.line)]));
}

export function noneFor(rules: readonly string[]): Record<string, number[]> {
  return Object.fromEntries(rules.map((r) => [r, []]));
}

export function bansOf(v: Verdict, ip: string): string[] {
  return v.bans.filter(([b]) => b === ip).map(([, jail]) => jail);
}

export function matchesOf(v: Verdict, rule: string, ip: string): number {
  return (v.matches[rule] ?? []).filter((m) => m.ip === ip).length;
}

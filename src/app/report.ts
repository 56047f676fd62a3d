import { statSync } from 'node:fs';
import { canonicalIp } from '../core/ip.js';
import { buildIncident, type Incident, type WhoisSource } from '../core/incident.js';
import { createIpSearch } from '../core/incident-search.js';
import type { Matcher } from '../core/match.js';
import type { State } from '../core/state.js';
import { cachedWhois } from '../core/whois-cache.js';
import type { WhoisInfo } from '../core/whois-parse.js';
import type { Config } from '../config/types.js';
import { discoverLogs } from '../io/discover.js';
import { readLogText } from '../io/log-text.js';
import type { WhoisLookup } from '../io/whois.js';
import { UsageError } from './errors.js';

// Only the newest part of a big current log is searched, so a report stays quick.
export const SEARCH_TAIL_BYTES = 64 << 20;

export type IncidentOptions = { readonly ip: string; readonly now: number; readonly lookupWhois: boolean };
export type IncidentDeps = { readonly config: Config; readonly state: State; readonly whois: WhoisLookup };
export type IncidentRun = { readonly incident: Incident; readonly notes: readonly string[] };

async function whoisFor(ip: string, opts: IncidentOptions, deps: IncidentDeps): Promise<{ info: WhoisInfo | null; source: WhoisSource }> {
  const hit = cachedWhois(deps.state.whois, ip, opts.now);
  if (hit) return { info: hit, source: 'cache' };
  if (!opts.lookupWhois) return { info: null, source: 'off' };
  const info = (await deps.whois.lookup([ip])).get(ip);
  return info ? { info, source: 'lookup' } : { info: null, source: 'unknown' };
}

function tailStart(path: string): number {
  if (path.endsWith('.gz')) return 0;
  try {
    return Math.max(0, statSync(path).size - SEARCH_TAIL_BYTES);
  } catch {
    return 0;
  }
}

// Skips the text up to the first newline: reading from the middle of a file starts mid-line.
function fromLineStart(onText: (text: string) => void, midLine: boolean): (text: string) => void {
  let skip = midLine;
  return (text) => {
    if (!skip) return onText(text);
    const nl = text.indexOf('\n');
    if (nl < 0) return;
    skip = false;
    if (nl + 1 < text.length) onText(text.slice(nl + 1));
  };
}

// Everything logban knows about one address: the state, the jails' current logs, whois.
export async function runIncidentReport(opts: IncidentOptions, deps: IncidentDeps): Promise<IncidentRun> {
  const ip = canonicalIp(opts.ip.trim());
  if (ip === null) throw new UsageError(`${JSON.stringify(opts.ip)} is not an IP address; give one like 203.0.113.5 or 2001:db8::5`);
  const { config, state } = deps;
  const notes: string[] = [];
  const byFile = new Map<string, string[]>();
  for (const jail of config.jails) {
    for (const f of (await discoverLogs(jail.logpath)).files) byFile.set(f, [...(byFile.get(f) ?? []), jail.name]);
  }
  const matchers = new Map<string, Matcher>(config.jails.map((j) => [j.name, j.matcher]));
  const search = createIpSearch(ip, matchers, opts.now);
  for (const [path, jails] of byFile) {
    const from = tailStart(path);
    search.startFile(path, jails);
    try {
      await readLogText(path, fromLineStart(search.addText, from > 0), { from });
      if (from > 0) notes.push(`${path}: searched the last ${SEARCH_TAIL_BYTES >> 20} MiB only`);
    } catch (e) {
      notes.push(`${path}: not searched (${(e as Error).message})`);
    }
  }
  const whois = await whoisFor(ip, opts, deps);
  const jails = config.jails.map((j) => ({ name: j.name, rules: j.rules, port: j.port }));
  return { incident: buildIncident(ip, opts.now, state, jails, search.result(), whois), notes };
}

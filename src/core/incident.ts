import { savedLines } from './evidence.js';
import { blockOfAddress, containsBlock, isNetwork, parseBlock } from './net.js';
import type { LogFindings } from './incident-search.js';
import type { State } from './state.js';
import { toIso } from './timestamp.js';
import type { WhoisInfo } from './whois-parse.js';

export type IncidentJail = {
  readonly jail: string;
  readonly rules: readonly string[];
  readonly port: readonly string[];
  /** Failures: the more of what the current logs show and what logban counted. */
  readonly attempts: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /** Failures still inside the window (not yet a ban). */
  readonly pending: number;
};

/** `block`: the banned block that holds the address (a jail's /64, a subnet, a CIDR by hand); its failures are the block's. */
export type IncidentBan = {
  readonly jail: string; readonly bannedAt: number; readonly expiresAt: number | null; readonly failures: number;
  readonly firstSeen: number; readonly lastSeen: number; readonly active: boolean; readonly block?: string;
};

/** whois: where the answer came from; "off" when lookups were not asked for. */
export type WhoisSource = 'cache' | 'lookup' | 'unknown' | 'off';

// An abuse/incident report about one address: everything logban knows, as data.
export type Incident = {
  readonly ip: string;
  readonly now: number;
  readonly jails: readonly IncidentJail[];
  readonly bans: readonly IncidentBan[];
  readonly attempts: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  readonly whois: WhoisInfo | null;
  readonly whoisSource: WhoisSource;
  /** Evidence: lines logban kept when counting (source "state"), then the newest lines of the logs. */
  readonly evidence: readonly { readonly source: string; readonly line: string }[];
  readonly logs: LogFindings;
};

type JailInfo = { readonly name: string; readonly rules: readonly string[]; readonly port: readonly string[] };

const minOf = (xs: readonly (number | null)[]) => xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.min(a, x)), null);
const maxOf = (xs: readonly (number | null)[]) => xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);

// Puts the state's bans and pending failures together with what the logs showed.
export function buildIncident(
  ip: string, now: number, state: State, jails: readonly JailInfo[], logs: LogFindings,
  whois: { info: WhoisInfo | null; source: WhoisSource },
): Incident {
  const addr = blockOfAddress(ip);
  const holds = (target: string) => {
    const block = isNetwork(target) ? parseBlock(target) : null;
    return block !== null && addr !== null && containsBlock(block, addr);
  };
  const bans = state.bans.filter((b) => b.ip === ip || holds(b.ip)).map((b): IncidentBan => ({
    jail: b.jail, bannedAt: b.bannedAt, expiresAt: b.expiresAt, failures: b.failures, firstSeen: b.firstSeen, lastSeen: b.lastSeen,
    active: b.expiresAt === null || b.expiresAt > now, ...(b.ip === ip ? {} : { block: b.ip }),
  }));
  const out: IncidentJail[] = [];
  const stateLines: string[] = [];
  for (const jail of jails) {
    const ban = bans.find((b) => b.jail === jail.name && b.block === undefined);
    const pending = state.windows[jail.name]?.[ip];
    const hits = logs.jails.get(jail.name);
    if (!ban && !pending && !hits) continue;
    stateLines.push(...savedLines(state.bans.find((b) => b.ip === ip && b.jail === jail.name)?.evidence ?? []), ...(pending?.evidence ?? []));
    // Failures folded into a count (an IP waiting over --max-bans with a permanent ban) count too.
    const waiting = (pending?.times.length ?? 0) + (pending?.later?.count ?? 0);
    const counted = (ban?.failures ?? 0) + waiting;
    out.push({
      jail: jail.name, rules: jail.rules, port: jail.port,
      attempts: Math.max(counted, hits?.count ?? 0),
      firstSeen: minOf([ban?.firstSeen ?? null, pending?.times[0] ?? null, hits?.firstSeen ?? null]),
      lastSeen: maxOf([ban?.lastSeen ?? null, pending?.times[pending.times.length - 1] ?? null, pending?.later?.last ?? null, hits?.lastSeen ?? null]),
      pending: waiting,
    });
  }
  const inLogs = new Set(logs.sample.map((s) => s.line));
  const evidence = [
    ...[...new Set(stateLines)].filter((l) => !inLogs.has(l)).map((line) => ({ source: 'state', line })),
    ...logs.sample.map((s) => ({ source: s.path, line: s.line })),
  ];
  return {
    ip, now, jails: out, bans, attempts: out.reduce((a, j) => a + j.attempts, 0),
    firstSeen: minOf(out.map((j) => j.firstSeen)), lastSeen: maxOf(out.map((j) => j.lastSeen)),
    whois: whois.info, whoisSource: whois.source, evidence, logs,
  };
}

const iso = (t: number | null) => (t === null ? null : toIso(t));

// The `report --json` shape: times in ISO 8601 UTC, evidence lines as they are in the logs.
export function incidentJson(i: Incident, extra: { host: string; timeZone: string }): object {
  return {
    ip: i.ip,
    host: extra.host,
    generatedAt: toIso(i.now),
    timeZone: extra.timeZone,
    attempts: i.attempts,
    firstSeen: iso(i.firstSeen),
    lastSeen: iso(i.lastSeen),
    jails: i.jails.map((j) => ({ ...j, firstSeen: iso(j.firstSeen), lastSeen: iso(j.lastSeen) })),
    bans: i.bans.map((b) => ({ ...b, bannedAt: toIso(b.bannedAt), expiresAt: iso(b.expiresAt), firstSeen: toIso(b.firstSeen), lastSeen: toIso(b.lastSeen) })),
    whois: i.whois,
    whoisSource: i.whoisSource,
    evidence: i.evidence,
    searched: i.logs.files.map((f) => ({ path: f.path, mentions: f.lines })),
    mentions: i.logs.mentions,
  };
}

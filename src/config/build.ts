import { parse, TomlError } from 'smol-toml';
import { resolveDatePatterns, type DatePatternName } from '../core/timestamp.js';
import { parseDurationSetting } from '../core/duration.js';
import { compileIpMatcher } from '../core/ip.js';
import { nftHookFor } from '../core/nft-plan.js';
import { parsePorts, PROTOCOLS, type PortRange, type Protocol } from '../core/ports.js';
import { err, ok, type Result } from '../core/result.js';
import { lookupService } from '../io/services.js';
import { compileMatcher } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { DEFAULTS, embeddedJails } from './defaults.js';
import { locateKey } from './locate.js';
import type { Backend, Config, FleetSettings, Jail, ReportSettings } from './types.js';
import { RECIDIVE_JAIL, type RecidivePolicy } from '../core/recidive.js';
import { isListJail, type Blocklist } from '../core/blocklist.js';
import { FLEET_JAIL, MANUAL_JAIL } from '../core/firewall-model.js';

export type ConfigProblem = { readonly message: string; readonly line?: number };

type Table = Record<string, unknown>;
const NET_KEYS = ['ipv4_prefix', 'ipv6_prefix', 'subnet_maxbans', 'subnet_prefix4', 'subnet_prefix6'];
const KEYS = {
  top: ['defaults', 'firewall', 'jails', 'report', 'recidive', 'fleet', 'blocklist'],
  blocklist: ['file', 'name'],
  fleet: ['engine', 'url', 'machine_id', 'password_file', 'bouncer_key_file', 'push', 'pull', 'origins'],
  recidive: ['enabled', 'findtime', 'maxretry', 'bantime'],
  defaults: ['findtime', 'maxretry', 'bantime', 'ignoreip', 'bantime_factor', 'maxbantime', 'reset_on_success', ...NET_KEYS],
  firewall: ['backend', 'chains'],
  report: ['whois'],
  jail: ['enabled', 'logpath', 'journalmatch', 'journal_dir', 'rules', 'failregex', 'ignoreregex', 'prefregex', 'datepattern', 'findtime', 'maxretry', 'bantime',
    'ignoreip', 'port', 'protocol', 'connlimit', 'bantime_factor', 'maxbantime', 'reset_on_success', ...NET_KEYS],
};
const BACKENDS: readonly Backend[] = ['iptables', 'ipset', 'nftables', 'none'];
const JAIL_NAME = /^[A-Za-z0-9_-]{1,21}$/;

class Invalid extends Error {
  /** `needle`: text on the offending line itself (a pattern inside a multi-line list). */
  constructor(readonly table: string, readonly key: string | undefined, message: string, readonly needle?: string) {
    super(message);
  }
}

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function table(v: unknown, name: string): Table {
  if (v === undefined) return {};
  if (!isTable(v)) throw new Invalid('', name, `[${name}] must be a table`);
  return v;
}

function checkKeys(t: Table, allowed: readonly string[], name: string): void {
  for (const key of Object.keys(t)) {
    if (!allowed.includes(key)) throw new Invalid(name, key, `unknown setting "${key}" in [${name}] (known: ${allowed.join(', ')})`);
  }
}

function strings(t: Table, key: string, name: string, fallback: readonly string[]): readonly string[] {
  const v = t[key];
  if (v === undefined) return fallback;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new Invalid(name, key, `${key} must be a string or a list of strings`);
  }
  return list;
}

function duration(t: Table, key: string, name: string, fallback: number | null): number | null {
  if (t[key] === undefined) return fallback;
  const r = parseDurationSetting(key, t[key]);
  if (!r.ok) throw new Invalid(name, key, `${key}: ${r.error}`);
  return r.value;
}

function positive(t: Table, key: string, name: string, fallback: number): number {
  const v = t[key] ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 1) throw new Invalid(name, key, `${key} must be a whole number of at least 1`);
  return v as number;
}

function ignoreList(t: Table, name: string, fallback: readonly string[]): readonly string[] {
  const list = strings(t, 'ignoreip', name, fallback);
  const r = compileIpMatcher(list);
  if (!r.ok) throw new Invalid(name, 'ignoreip', `ignoreip: ${r.error}`);
  return list;
}

type Defaults = {
  findtime: number; maxretry: number; bantime: number | null; ignoreip: readonly string[];
  bantimeFactor: number; maxbantime: number | null; resetOnSuccess: boolean; net: NetSettings;
};

type NetSettings = { ipv4Prefix: number; ipv6Prefix: number; subnetMaxbans: number | null; subnetPrefix4: number; subnetPrefix6: number };

const NET_DEFAULTS: NetSettings = {
  ipv4Prefix: DEFAULTS.ipv4Prefix, ipv6Prefix: DEFAULTS.ipv6Prefix, subnetMaxbans: null, subnetPrefix4: DEFAULTS.subnetPrefix4, subnetPrefix6: DEFAULTS.subnetPrefix6,
};

// A prefix length of one family: at least 8 bits (a wider ban is no ban on attackers but on a continent).
function prefixLength(t: Table, key: string, name: string, fallback: number, max: number): number {
  const v = t[key] ?? fallback;
  if (!Number.isInteger(v) || (v as number) < 8 || (v as number) > max) throw new Invalid(name, key, `${key} must be a prefix length from 8 to ${max}, not ${JSON.stringify(v)}`);
  return v as number;
}

// ipv4_prefix, ipv6_prefix and subnet escalation (off until subnet_maxbans is set), over `d`.
function netSettings(t: Table, name: string, d: NetSettings): NetSettings {
  const maxbans = t['subnet_maxbans'] === undefined ? d.subnetMaxbans : positive(t, 'subnet_maxbans', name, 1);
  if (maxbans !== null && maxbans < 2) throw new Invalid(name, 'subnet_maxbans', 'subnet_maxbans must be at least 2 (bans of that many addresses of one subnet ban the subnet)');
  return {
    ipv4Prefix: prefixLength(t, 'ipv4_prefix', name, d.ipv4Prefix, 32),
    ipv6Prefix: prefixLength(t, 'ipv6_prefix', name, d.ipv6Prefix, 128),
    subnetMaxbans: maxbans,
    subnetPrefix4: prefixLength(t, 'subnet_prefix4', name, d.subnetPrefix4, 32),
    subnetPrefix6: prefixLength(t, 'subnet_prefix6', name, d.subnetPrefix6, 128),
  };
}

// A jail's network settings as the core takes them; a subnet must be wider than the prefix it gathers.
function jailNet(n: NetSettings, name: string): Pick<Jail, 'ipv4Prefix' | 'ipv6Prefix' | 'subnet'> {
  if (n.subnetMaxbans !== null && n.subnetPrefix4 >= n.ipv4Prefix) throw new Invalid(name, 'subnet_prefix4', `subnet_prefix4 (${n.subnetPrefix4}) must be shorter than ipv4_prefix (${n.ipv4Prefix})`);
  if (n.subnetMaxbans !== null && n.subnetPrefix6 >= n.ipv6Prefix) throw new Invalid(name, 'subnet_prefix6', `subnet_prefix6 (${n.subnetPrefix6}) must be shorter than ipv6_prefix (${n.ipv6Prefix})`);
  const subnet = n.subnetMaxbans === null ? null : { maxbans: n.subnetMaxbans, prefix4: n.subnetPrefix4, prefix6: n.subnetPrefix6 };
  return { ipv4Prefix: n.ipv4Prefix, ipv6Prefix: n.ipv6Prefix, subnet };
}

// reset_on_success = true | false: off unless asked for (a valid account resets its own address).
function flag(t: Table, key: string, name: string, fallback: boolean): boolean {
  const v = t[key] ?? fallback;
  if (typeof v !== 'boolean') throw new Invalid(name, key, `${key} must be true or false, not ${JSON.stringify(v)}`);
  return v;
}

type Services = (name: string) => number | null;

function factor(t: Table, name: string, fallback: number): number {
  const v = t['bantime_factor'] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 1) throw new Invalid(name, 'bantime_factor', 'bantime_factor must be a number of at least 1 (1: no escalation)');
  return v;
}

// port = "ssh" | 22 | ["http", "https", "8000:8100"]; protocol = "tcp" | "udp" | "all"; connlimit = N.
function portsOf(t: Table, name: string, services: Services): { port: string[]; ports: readonly PortRange[]; protocol: Protocol; connlimit: number | null } {
  const raw = t['port'] === undefined ? [] : Array.isArray(t['port']) ? t['port'] : [t['port']];
  if (!raw.every((p) => typeof p === 'string' || typeof p === 'number')) throw new Invalid(name, 'port', 'port must be a port, a range or a list of them, e.g. ["ssh", 2222, "8000:8100"]');
  const parsed = parsePorts(raw as (string | number)[], services);
  if (!parsed.ok) throw new Invalid(name, 'port', `port: ${parsed.error}`);
  const protocol = t['protocol'] ?? (parsed.value.length > 0 ? 'tcp' : 'all');
  if (!PROTOCOLS.includes(protocol as Protocol)) throw new Invalid(name, 'protocol', `protocol must be one of ${PROTOCOLS.join(', ')}, not ${JSON.stringify(protocol)}`);
  const connlimit = t['connlimit'] === undefined ? null : positive(t, 'connlimit', name, 1);
  if (connlimit !== null && protocol === 'udp') throw new Invalid(name, 'connlimit', 'connlimit counts TCP connections: it needs protocol = "tcp" or "all"');
  return { port: raw.map(String), ports: parsed.value, protocol: protocol as Protocol, connlimit };
}

function buildJail(name: string, raw: unknown, d: Defaults, services: Services): Jail | null {
  const where = `jails.${name}`;
  if (!JAIL_NAME.test(name)) throw new Invalid(where, undefined, `jail name "${name}" must be 1-21 letters, digits, _ or -`);
  const t = table(raw, where);
  checkKeys(t, KEYS.jail, where);
  if (t['enabled'] === false) return null;
  const logpath = strings(t, 'logpath', where, []);
  const journalmatch = strings(t, 'journalmatch', where, []);
  for (const m of journalmatch) {
    if (!/^(?:[A-Z0-9_]+=.*|\+)$/.test(m)) throw new Invalid(where, 'journalmatch', `journalmatch "${m}" must look like FIELD=value, e.g. "_SYSTEMD_UNIT=ssh.service"`);
  }
  if (logpath.length === 0 && journalmatch.length === 0) {
    throw new Invalid(where, undefined, `jail "${name}" needs logpath = ["/var/log/..."] or journalmatch = ["_SYSTEMD_UNIT=ssh.service"]`);
  }
  const journalDir = t['journal_dir'] ?? null;
  if (journalDir !== null && typeof journalDir !== 'string') throw new Invalid(where, 'journal_dir', 'journal_dir must be a directory path');
  const ruleNames = strings(t, 'rules', where, []);
  const failregex = strings(t, 'failregex', where, []);
  if (ruleNames.length === 0 && failregex.length === 0) {
    throw new Invalid(where, undefined, `jail "${name}" needs rules = [...] (see "logban rules") or failregex = [...]`);
  }
  const rules = ruleNames.map((r) => findRule(r) ?? (() => { throw new Invalid(where, 'rules', `unknown rule "${r}" (see "logban rules")`); })());
  const ignoreregex = strings(t, 'ignoreregex', where, []);
  const prefregex = t['prefregex'] ?? '';
  if (typeof prefregex !== 'string') throw new Invalid(where, 'prefregex', 'prefregex must be a string');
  if (prefregex !== '' && failregex.length === 0) throw new Invalid(where, 'prefregex', 'prefregex needs failregex = [...] to follow it');
  const matcher = compileMatcher(rules, failregex, ignoreregex, prefregex);
  if (!matcher.ok) {
    const bad = /^(prefregex|pattern) '(.*)': /s.exec(matcher.error);
    const key = bad?.[1] === 'prefregex' ? 'prefregex' : bad && ignoreregex.includes(bad[2]!) && !failregex.includes(bad[2]!) ? 'ignoreregex' : 'failregex';
    throw new Invalid(where, key, `jail "${name}": ${matcher.error}`, bad?.[2]);
  }
  const datepattern = datePatterns(t, where);
  const findtime = duration(t, 'findtime', where, d.findtime);
  if (findtime === null) throw new Invalid(where, 'findtime', 'findtime cannot be permanent');
  return {
    name, logpath, journalmatch, journalDir, rules: ruleNames, matcher: matcher.value, patterns: { rules: ruleNames, failregex, ignoreregex, prefregex }, findtime,
    maxretry: positive(t, 'maxretry', where, d.maxretry),
    bantime: duration(t, 'bantime', where, d.bantime),
    bantimeFactor: factor(t, where, d.bantimeFactor),
    maxbantime: duration(t, 'maxbantime', where, d.maxbantime),
    resetOnSuccess: flag(t, 'reset_on_success', where, d.resetOnSuccess),
    ...jailNet(netSettings(t, where, d.net), where),
    ignoreip: [...new Set([...d.ignoreip, ...ignoreList(t, where, [])])],
    ...portsOf(t, where, services),
    ...(datepattern ? { datepattern } : {}),
  };
}

// A jail's date formats, by the names timestamp.ts knows (DATE_PATTERNS and their aliases).
function datePatterns(t: Table, where: string): readonly DatePatternName[] | undefined {
  if (t['datepattern'] === undefined) return undefined;
  const names = strings(t, 'datepattern', where, []);
  if (names.length === 0) throw new Invalid(where, 'datepattern', 'datepattern must name at least one date format');
  const r = resolveDatePatterns(names);
  if (!r.ok) throw new Invalid(where, 'datepattern', `datepattern: ${r.error}`);
  return r.value;
}

// The line of `needle` at or after the key's line (a pattern in a multi-line list).
function locateNeedle(text: string, from: number | undefined, needle: string): number | undefined {
  if (from === undefined) return undefined;
  const lines = text.split('\n');
  for (let i = from - 1; i < lines.length; i++) {
    if (i > from - 1 && /^\s*\[/.test(lines[i]!)) break;
    if (lines[i]!.includes(needle)) return i + 1;
  }
  return from;
}

// [recidive]: on once the table is there (enabled = false turns it off); fail2ban's recidive
// jail's spans (a day, a week) with three bans rather than its five.
function buildRecidive(raw: unknown): RecidivePolicy | null {
  if (raw === undefined) return null;
  const t = table(raw, 'recidive');
  checkKeys(t, KEYS.recidive, 'recidive');
  if (!flag(t, 'enabled', 'recidive', true)) return null;
  const findtime = duration(t, 'findtime', 'recidive', 86400);
  if (findtime === null) throw new Invalid('recidive', 'findtime', 'findtime cannot be permanent');
  const maxretry = positive(t, 'maxretry', 'recidive', 3);
  if (maxretry < 2) throw new Invalid('recidive', 'maxretry', 'maxretry must be at least 2 (one ban is what the jail itself gives)');
  return { findtime, maxretry, bantime: duration(t, 'bantime', 'recidive', 7 * 86400) };
}

// [fleet]: the engine's URL, who this host is to it and whose decisions it enforces. A secret is
// never a setting, only a file's path (read, and its mode checked, when a run uses it).
function buildFleet(raw: unknown): FleetSettings | null {
  if (raw === undefined) return null;
  const t = table(raw, 'fleet');
  checkKeys(t, KEYS.fleet, 'fleet');
  const engine = t['engine'] ?? 'crowdsec';
  if (engine !== 'crowdsec') throw new Invalid('fleet', 'engine', `engine must be "crowdsec" (CrowdSec's Local API), not ${JSON.stringify(engine)}`);
  const url = t['url'] ?? 'http://127.0.0.1:8080';
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/?#]+(?::\d+)?\/?$/.test(url)) {
    throw new Invalid('fleet', 'url', `url must be the Local API's base URL, e.g. "http://127.0.0.1:8080", not ${JSON.stringify(url)}`);
  }
  const text = (key: string): string | null => {
    const v = t[key];
    if (v === undefined) return null;
    if (typeof v !== 'string' || v === '') throw new Invalid('fleet', key, `${key} must be a non-empty string`);
    return v;
  };
  const machineId = text('machine_id');
  const passwordFile = text('password_file');
  const bouncerKeyFile = text('bouncer_key_file');
  if (t['password'] !== undefined || t['api_key'] !== undefined) throw new Invalid('fleet', undefined, 'secrets are read from files only: password_file, bouncer_key_file');
  if (machineId !== null && passwordFile === null) throw new Invalid('fleet', 'machine_id', 'machine_id needs password_file = "/etc/logban/crowdsec-machine.secret" (the machine\'s password, in a file of mode 0600)');
  if (passwordFile !== null && !passwordFile.startsWith('/')) throw new Invalid('fleet', 'password_file', 'password_file must be an absolute path');
  if (bouncerKeyFile !== null && !bouncerKeyFile.startsWith('/')) throw new Invalid('fleet', 'bouncer_key_file', 'bouncer_key_file must be an absolute path');
  const push = flag(t, 'push', 'fleet', machineId !== null);
  const pull = flag(t, 'pull', 'fleet', bouncerKeyFile !== null);
  if (push && machineId === null) throw new Invalid('fleet', 'push', 'push = true needs machine_id and password_file (a watcher: cscli machines add)');
  if (pull && bouncerKeyFile === null) throw new Invalid('fleet', 'pull', 'pull = true needs bouncer_key_file (a bouncer key: cscli bouncers add)');
  const origins = t['origins'] === undefined ? null : strings(t, 'origins', 'fleet', []);
  if (origins !== null && origins.length === 0) throw new Invalid('fleet', 'origins', 'origins must name at least one origin (leave it out to enforce everyone\'s decisions)');
  return { engine: 'crowdsec', url: url.replace(/\/$/, ''), machineId, passwordFile, bouncerKeyFile, push, pull, origins };
}

// [[blocklist]]: file = "/var/lib/logban/lists/firehol_level1.netset" (name: the file's, without
// its extension, unless given); each list is the jail "list-<name>" in the firewall.
function buildBlocklists(raw: unknown): Blocklist[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Invalid('', 'blocklist', 'blocklists are [[blocklist]] tables, one a list, each with file = "/path/to/list"');
  const out: Blocklist[] = [];
  raw.forEach((entry, i) => {
    const where = `blocklist`;
    const t = table(entry, where);
    checkKeys(t, KEYS.blocklist, where);
    const file = t['file'];
    if (typeof file !== 'string' || !file.startsWith('/')) throw new Invalid(where, 'file', `blocklist ${i + 1}: file must be an absolute path, e.g. "/var/lib/logban/lists/firehol_level1.netset"`);
    const fallback = (file.split('/').pop() ?? '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 16);
    const name = t['name'] ?? fallback;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,16}$/.test(name)) throw new Invalid(where, 'name', `blocklist ${i + 1}: name must be 1-16 letters, digits, _ or - (the firewall's part is "list-<name>")`);
    if (out.some((l) => l.name === name)) throw new Invalid(where, 'name', `two blocklists are named "${name}": give one a name = "..." of its own`);
    out.push({ name, file });
  });
  return out;
}

// [report]: what the scan report adds; whois lookups are off unless asked for.
function buildReport(raw: unknown): ReportSettings {
  const t = table(raw, 'report');
  checkKeys(t, KEYS.report, 'report');
  const whois = t['whois'] ?? false;
  if (typeof whois !== 'boolean') throw new Invalid('report', 'whois', `whois must be true or false, not ${JSON.stringify(whois)}`);
  return { whois };
}

function buildFromData(data: Table, path: string | null, exists: (p: string) => boolean, services: Services): Config {
  checkKeys(data, KEYS.top, '');
  const defs = table(data['defaults'], 'defaults');
  checkKeys(defs, KEYS.defaults, 'defaults');
  const dFind = duration(defs, 'findtime', 'defaults', DEFAULTS.findtime);
  if (dFind === null) throw new Invalid('defaults', 'findtime', 'findtime cannot be permanent');
  const d: Defaults = {
    findtime: dFind,
    maxretry: positive(defs, 'maxretry', 'defaults', DEFAULTS.maxretry),
    bantime: duration(defs, 'bantime', 'defaults', DEFAULTS.bantime),
    ignoreip: ignoreList(defs, 'defaults', DEFAULTS.ignoreip),
    bantimeFactor: factor(defs, 'defaults', DEFAULTS.bantimeFactor),
    maxbantime: duration(defs, 'maxbantime', 'defaults', DEFAULTS.maxbantime),
    resetOnSuccess: flag(defs, 'reset_on_success', 'defaults', false),
    net: netSettings(defs, 'defaults', NET_DEFAULTS),
  };
  const fw = table(data['firewall'], 'firewall');
  checkKeys(fw, KEYS.firewall, 'firewall');
  const backend = fw['backend'] ?? DEFAULTS.backend;
  if (!BACKENDS.includes(backend as Backend)) {
    throw new Invalid('firewall', 'backend', `backend must be one of ${BACKENDS.join(', ')}, not ${JSON.stringify(backend)}`);
  }
  const chains = strings(fw, 'chains', 'firewall', DEFAULTS.chains);
  for (const c of chains) if (!/^[A-Za-z0-9_-]{1,28}$/.test(c)) throw new Invalid('firewall', 'chains', `"${c}" is not a chain name`);
  if (backend === 'nftables') {
    const bad = chains.find((c) => nftHookFor(c) === null);
    if (bad !== undefined) throw new Invalid('firewall', 'chains', `backend nftables hooks into INPUT, FORWARD or DOCKER-USER, not "${bad}"`);
  }
  const rawJails = path === null ? embeddedJails(exists) : table(data['jails'], 'jails');
  const jails = Object.entries(rawJails).map(([n, j]) => buildJail(n, j, d, services)).filter((j): j is Jail => j !== null);
  const listLike = jails.find((j) => isListJail(j.name));
  if (listLike) throw new Invalid(`jails.${listLike.name}`, undefined, `jail name "${listLike.name}" starts with "list-", which names the blocklists ([[blocklist]]): name the jail otherwise`);
  const reserved = jails.find((j) => j.name === RECIDIVE_JAIL || j.name === MANUAL_JAIL || j.name === FLEET_JAIL);
  const whose: Record<string, string> = { [RECIDIVE_JAIL]: 'set up repeat offenders in [recidive]', [MANUAL_JAIL]: 'the jail of logban ban', [FLEET_JAIL]: 'the bans of [fleet]' };
  if (reserved) throw new Invalid(`jails.${reserved.name}`, undefined, `jail name "${reserved.name}" is logban's own (${whose[reserved.name]}): name the jail otherwise`);
  return {
    path, jails, backend: backend as Backend, chains, report: buildReport(data['report']), recidive: buildRecidive(data['recidive']), fleet: buildFleet(data['fleet']),
    blocklists: buildBlocklists(data['blocklist']),
  };
}

// Parses and validates the config text (or the embedded defaults when path is null).
export function buildConfig(
  text: string,
  path: string | null,
  exists: (p: string) => boolean,
  services: Services = lookupService,
): Result<Config, ConfigProblem> {
  let data: Table;
  try {
    data = path === null ? {} : parse(text);
  } catch (e) {
    if (e instanceof TomlError) return err({ message: e.message.split('\n')[0]!, line: e.line });
    return err({ message: (e as Error).message });
  }
  try {
    return ok(buildFromData(data, path, exists, services));
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const keyLine = locateKey(text, e.table, e.key);
    const line = e.needle === undefined ? keyLine : locateNeedle(text, keyLine, e.needle);
    return err({ message: e.message, ...(line !== undefined ? { line } : {}) });
  }
}

import { parse, TomlError } from 'smol-toml';
import { parseDuration } from '../core/duration.js';
import { compileIpMatcher } from '../core/ip.js';
import { err, ok, type Result } from '../core/result.js';
import { compileMatcher } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { DEFAULTS, embeddedJails } from './defaults.js';
import { locateKey } from './locate.js';
import type { Backend, Config, Jail } from './types.js';

export type ConfigProblem = { readonly message: string; readonly line?: number };

type Table = Record<string, unknown>;
const KEYS = {
  top: ['defaults', 'firewall', 'jails'],
  defaults: ['findtime', 'maxretry', 'bantime', 'ignoreip'],
  firewall: ['backend', 'chains'],
  jail: ['enabled', 'logpath', 'journalmatch', 'journal_dir', 'rules', 'failregex', 'ignoreregex', 'findtime', 'maxretry', 'bantime', 'ignoreip', 'port'],
};
const BACKENDS: readonly Backend[] = ['iptables', 'none'];
const JAIL_NAME = /^[A-Za-z0-9_-]{1,21}$/;

class Invalid extends Error {
  constructor(readonly table: string, readonly key: string | undefined, message: string) {
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
  const r = parseDuration(t[key]);
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

type Defaults = { findtime: number; maxretry: number; bantime: number | null; ignoreip: readonly string[] };

function buildJail(name: string, raw: unknown, d: Defaults): Jail | null {
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
  const matcher = compileMatcher(rules, failregex, strings(t, 'ignoreregex', where, []));
  if (!matcher.ok) throw new Invalid(where, failregex.length ? 'failregex' : 'ignoreregex', `jail "${name}": ${matcher.error}`);
  const findtime = duration(t, 'findtime', where, d.findtime);
  if (findtime === null) throw new Invalid(where, 'findtime', 'findtime cannot be permanent');
  return {
    name, logpath, journalmatch, journalDir, rules: ruleNames, matcher: matcher.value, findtime,
    maxretry: positive(t, 'maxretry', where, d.maxretry),
    bantime: duration(t, 'bantime', where, d.bantime),
    ignoreip: [...new Set([...d.ignoreip, ...ignoreList(t, where, [])])],
    port: strings(t, 'port', where, []),
  };
}

function buildFromData(data: Table, path: string | null, exists: (p: string) => boolean): Config {
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
  };
  const fw = table(data['firewall'], 'firewall');
  checkKeys(fw, KEYS.firewall, 'firewall');
  const backend = fw['backend'] ?? DEFAULTS.backend;
  if (!BACKENDS.includes(backend as Backend)) {
    throw new Invalid('firewall', 'backend', `backend must be one of ${BACKENDS.join(', ')}, not ${JSON.stringify(backend)}`);
  }
  const chains = strings(fw, 'chains', 'firewall', DEFAULTS.chains);
  for (const c of chains) if (!/^[A-Za-z0-9_-]{1,28}$/.test(c)) throw new Invalid('firewall', 'chains', `"${c}" is not a chain name`);
  const rawJails = path === null ? embeddedJails(exists) : table(data['jails'], 'jails');
  const jails = Object.entries(rawJails).map(([n, j]) => buildJail(n, j, d)).filter((j): j is Jail => j !== null);
  return { path, jails, backend: backend as Backend, chains };
}

// Parses and validates the config text (or the embedded defaults when path is null).
export function buildConfig(text: string, path: string | null, exists: (p: string) => boolean): Result<Config, ConfigProblem> {
  let data: Table;
  try {
    data = path === null ? {} : parse(text);
  } catch (e) {
    if (e instanceof TomlError) return err({ message: e.message.split('\n')[0]!, line: e.line });
    return err({ message: (e as Error).message });
  }
  try {
    return ok(buildFromData(data, path, exists));
  } catch (e) {
    if (!(e instanceof Invalid)) throw e;
    const line = locateKey(text, e.table, e.key);
    return err({ message: e.message, ...(line !== undefined ? { line } : {}) });
  }
}

// A filter as fail2ban's FilterReader resolves it for one jail: filter.d/NAME.conf with its
// .local and includes, the jail's filter arguments (sshd[mode=aggressive]) over [Init], the
// automatic `logtype` (journal for backend systemd), %(...)s and then <tag> substitution.
import { err, ok, type Result } from '../result.js';
import { getValue, readConfigSet, type ConfigFiles, type ConfigSet, type IniError } from './config-set.js';
import { substituteTags } from './tags.js';

/** The [Definition] options fail2ban reads from a filter (and a jail may set over it). */
export const FILTER_OPTIONS = ['usedns', 'prefregex', 'ignoreregex', 'failregex', 'maxlines', 'datepattern', 'journalmatch'] as const;

/** A filter read for one jail. */
export type ResolvedFilter = {
  readonly name: string;
  readonly set: ConfigSet;
  /** FILTER_OPTIONS with tags resolved (fail2ban's own regex tags such as <HOST> stay). */
  readonly options: ReadonlyMap<string, string>;
  /** Every [Definition] option resolved: what %(known/...)s means in the jail. */
  readonly known: ReadonlyMap<string, string>;
};

/** Why a jail's filter could not be read: no such file, a file fail2ban refuses, a value that does not expand. */
export type FilterProblem = { readonly kind: 'missing' } | { readonly kind: 'unreadable'; readonly error: IniError } | { readonly kind: 'invalid'; readonly message: string };

// "sshd[mode=aggressive, publickey=invalid]" -> name and arguments (fail2ban's extractOptions).
export function splitFilterSpec(spec: string): Result<{ name: string; args: Map<string, string> }, string> {
  const m = /^([^[]+)(?:\[(.*)\])?\s*$/s.exec(spec.trim());
  if (!m) return err(`"${spec}" is not a filter name with optional [options]`);
  const args = new Map<string, string>();
  const body = m[2] ?? '';
  const re = /\s*([\w.-]+)=(?:"([^"]*)"|'([^']*)'|([^,\]]*))\s*(?:,|\]\s*\[|$)/gy;
  let at = 0;
  while (at < body.length) {
    re.lastIndex = at;
    const o = re.exec(body);
    if (!o) {
      if (body.slice(at).trim() === '' || body.slice(at).trim() === ',') break;
      return err(`"${spec}": cannot read the options after "${body.slice(0, at)}"`);
    }
    args.set(o[1]!, (o[2] ?? o[3] ?? o[4] ?? '').trim());
    at = re.lastIndex;
  }
  return ok({ name: m[1]!.trim(), args });
}

// get_ex: a plain option of [Definition] (then [DEFAULT]), or section/option.
function combinedOption(set: ConfigSet, name: string, vars: ReadonlyMap<string, string>): Result<string | undefined, string> {
  const m = /^([\w-]+)\/([^\s>]+)$/.exec(name);
  if (m) {
    const low = m[1]!.toLowerCase();
    const sections = low === 'known' ? ['KNOWN/Definition', 'Definition'] : low === 'default' ? ['DEFAULT'] : [m[1]!];
    for (const sec of sections) {
      if (sec !== 'DEFAULT' && !set.sections.has(sec)) continue;
      const v = getValue(set, sec === 'DEFAULT' ? '\0' : sec, m[2]!.toLowerCase());
      if (!v.ok || v.value !== undefined) return v;
    }
  }
  if (!set.sections.has('Definition')) return ok(undefined);
  return getValue(set, 'Definition', name.toLowerCase(), vars);
}

// [Definition] options read with `vars` (they win), then tags substituted over them and `init`.
function combine(set: ConfigSet, keys: readonly string[], vars: Map<string, string>, init: Map<string, string>): Result<Map<string, string>, string> {
  const opts = new Map<string, string>();
  for (const key of keys) {
    if (vars.has(key) || !set.sections.has('Definition')) continue;
    const v = getValue(set, 'Definition', key, vars);
    if (!v.ok) return v;
    if (v.value !== undefined) opts.set(key, v.value);
  }
  const cache = new Map<string, Result<string | undefined, string>>();
  return substituteTags(new Map([...opts, ...init]), (name) => {
    if (!cache.has(name)) cache.set(name, combinedOption(set, name, vars));
    return cache.get(name)!;
  });
}

// Reads filter `spec` for a jail whose own settings are `jail` (enabled, backend, filter and,
// for the final read, its other options: what the jail sets itself is not read from the filter).
export function readFilter(spec: string, jail: ReadonlyMap<string, string>, files: ConfigFiles): Result<ResolvedFilter, FilterProblem> {
  const parsed = splitFilterSpec(spec);
  if (!parsed.ok) return err({ kind: 'invalid', message: parsed.error });
  const { name, args } = parsed.value;
  if (!/^[\w.-]+$/.test(name)) return err({ kind: 'invalid', message: `filter name "${name}" is not a file name` });
  const read = readConfigSet(`filter.d/${name}`, files);
  if (!read.ok) return err({ kind: 'unreadable', error: read.error });
  if (read.value === null) return err({ kind: 'missing' });
  const set = read.value;
  const init = new Map(args);
  if (!init.has('logtype') && !set.sections.get('Definition')?.has('logtype')) {
    init.set('logtype', (jail.get('backend') ?? '').startsWith('systemd') ? 'journal' : 'file');
  }
  const first = new Map([...['enabled', 'backend', 'filter'].flatMap((k) => (jail.has(k) ? [[k, jail.get(k)!] as const] : [])), ...init]);
  for (const key of set.sections.get('Init')?.keys() ?? []) {
    const v = getValue(set, 'Init', key);
    if (!v.ok) return err({ kind: 'invalid', message: `filter.d/${name} [Init] ${key}: ${v.error}` });
    if (!key.startsWith('known/')) init.set(`known/${key}`, v.value ?? '');
    if (!init.has(key)) init.set(key, v.value ?? '');
  }
  const definitionKeys = [...(set.sections.get('Definition')?.keys() ?? [])];
  const known = combine(set, [...new Set([...FILTER_OPTIONS, ...definitionKeys])], first, init);
  if (!known.ok) return err({ kind: 'invalid', message: `filter.d/${name}: ${known.error}` });
  const options = combine(set, FILTER_OPTIONS, new Map([...jail, ...init]), init);
  if (!options.ok) return err({ kind: 'invalid', message: `filter.d/${name}: ${options.error}` });
  const only = new Map([...options.value].filter(([k]) => (FILTER_OPTIONS as readonly string[]).includes(k)));
  return ok({ name, set, options: only, known: known.value });
}


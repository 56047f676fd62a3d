// fail2ban's jails as its JailReader resolves them: jail.conf, jail.d/*.conf, jail.local,
// jail.d/*.local (with paths-*.conf through [INCLUDES]), every jail's settings over [DEFAULT],
// its filter read with the jail's filter arguments, and the jail's own failregex & co. over the
// filter's (with the filter's as %(known/...)s).
import { err, ok, type Result } from '../result.js';
import { getValue, readConfigSet, whereIs, type ConfigFiles, type ConfigSet, type IniError } from './config-set.js';
import { FILTER_OPTIONS, readFilter, type FilterProblem, type ResolvedFilter } from './filter-read.js';

/** The jail settings the import reads (fail2ban's own, and those its actions take from the jail). */
export const JAIL_SETTINGS = [
  'enabled', 'backend', 'filter', 'maxretry', 'findtime', 'bantime', 'bantime.increment', 'bantime.factor', 'bantime.formula',
  'bantime.multipliers', 'bantime.maxtime', 'bantime.rndtime', 'bantime.overalljails', 'ignorecommand', 'ignoreself', 'ignoreip',
  'logpath', 'action', 'port', 'protocol', 'chain', 'banaction', 'logencoding', 'logtimezone', ...FILTER_OPTIONS,
] as const;

/** A jail's settings with %(...)s expanded, by key. */
export type JailSettings = ReadonlyMap<string, string>;

/** One enabled jail as fail2ban would run it. */
export type ResolvedJail = {
  readonly name: string;
  /** Resolved settings (%(...)s expanded); a setting that failed to expand is in `problems`. */
  readonly settings: JailSettings;
  /** The filter's spec as written after expansion ("sshd[mode=normal]"), '' for none. */
  readonly filterSpec: string;
  readonly filter: Result<ResolvedFilter, FilterProblem> | null;
  /** Settings that could not be read (a %(name)s naming nothing, a self-reference). */
  readonly problems: readonly string[];
  /** Where a setting was written ("jail.local:12"). */
  readonly where: (key: string) => string | undefined;
  /** Settings taken from [sshd] for fail2ban 0.9's sshd-ddos jail. */
  readonly inherited: readonly string[];
  /** Whether the jail's own section sets `key` (else it comes from [DEFAULT]). */
  readonly own: (key: string) => boolean;
};

/** A fail2ban configuration directory, read. */
export type Fail2banConfig = {
  readonly set: ConfigSet;
  /** Every jail section in order, enabled or not. */
  readonly names: readonly string[];
  readonly enabled: readonly ResolvedJail[];
  /** [DEFAULT] as a jail with no name of its own sees it. */
  readonly defaults: JailSettings;
};

const isTrue = (v: string | undefined) => v !== undefined && ['1', 'on', 'true', 'yes'].includes(v.trim().toLowerCase());

function readSettings(set: ConfigSet, section: string, keys: readonly string[], problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of keys) {
    const v = getValue(set, section, key);
    if (!v.ok) problems.push(`${key}: ${v.error}`);
    else if (v.value !== undefined) out.set(key, v.value);
  }
  return out;
}

function resolveJail(set: ConfigSet, name: string, files: ConfigFiles): ResolvedJail {
  const problems: string[] = [];
  const first = readSettings(set, name, ['enabled', 'backend', 'filter'], problems);
  const spec = first.get('filter') ?? '';
  let filter: Result<ResolvedFilter, FilterProblem> | null = null;
  let jailSet = set;
  if (spec.trim() !== '') {
    const firstFilter = readFilter(spec, first, files);
    if (firstFilter.ok) {
      // The filter's options become the jail's known/..., then the jail's own are read.
      const section = new Map(set.sections.get(name));
      for (const [k, v] of firstFilter.value.known) section.set(`known/${k}`, { value: v.replace(/%/g, '%%'), file: '', line: 0 });
      jailSet = { ...set, sections: new Map([...set.sections, [name, section]]) };
    }
    filter = firstFilter;
  }
  const settings = readSettings(jailSet, name, JAIL_SETTINGS, problems);
  const inherited = inheritSshd(set, name, spec, settings, problems);
  if (filter?.ok) {
    const own = new Map([...settings].filter(([k]) => ['enabled', 'backend', 'filter', ...FILTER_OPTIONS].includes(k)));
    filter = readFilter(spec, own, files);
  }
  return { name, settings, filterSpec: spec.trim(), filter, problems, where: (key) => whereIs(set, name, key), inherited, own: (key) => set.sections.get(name)?.has(key) ?? false };
}

// fail2ban 0.9's jail.conf gave [sshd-ddos] the port, logpath and backend of [sshd]; 0.10 dropped
// the jail, so a jail.local that only enables it leaves them unset: they are taken from [sshd].
function inheritSshd(set: ConfigSet, name: string, spec: string, settings: Map<string, string>, problems: string[]): string[] {
  const own = set.sections.get(name);
  if (!/^sshd-ddos(?:\[|$)/.test(spec.trim()) || !set.sections.has('sshd')) return [];
  const taken: string[] = [];
  for (const key of ['port', 'logpath', 'backend']) {
    if (own?.has(key)) continue;
    const v = getValue(set, 'sshd', key);
    if (!v.ok) problems.push(`${key}: ${v.error}`);
    else if (v.value !== undefined) { settings.set(key, v.value); taken.push(key); }
  }
  return taken;
}

// Reads the jails under the fail2ban directory `files` reads from; an error for a file that
// fail2ban would refuse (or cannot be read), or when there is no jail.conf or jail.local at all.
export function readFail2banConfig(files: ConfigFiles): Result<Fail2banConfig, IniError> {
  const read = readConfigSet('jail', files);
  if (!read.ok) return read;
  if (read.value === null) return err({ file: 'jail.conf', line: 0, message: 'no jail.conf or jail.local: is this a fail2ban configuration directory?' });
  const set = read.value;
  set.defaults.set('fail2ban_confpath', { value: '.', file: '', line: 0 });
  set.defaults.set('fail2ban_version', { value: '1.0', file: '', line: 0 });
  const names = [...set.sections.keys()].filter((n) => n !== 'INCLUDES' && !n.startsWith('KNOWN/'));
  const enabled: ResolvedJail[] = [];
  for (const name of names) {
    const e = getValue(set, name, 'enabled');
    if (e.ok && isTrue(e.value)) enabled.push(resolveJail(set, name, files));
  }
  const defaults = readSettings(set, '\0', JAIL_SETTINGS, []);
  return ok({ set, names, enabled, defaults });
}


// The whole import: fail2ban's [DEFAULT] as [defaults], each enabled jail as a logban jail (or
// [recidive]), and the jails' ban actions and chains as the one [firewall] logban has.
import type { ConfigFiles } from './config-set.js';
import type { Fail2banConfig, ResolvedJail } from './jail-read.js';
import { mapFilter, type FilterSettings } from './map-filter.js';
import { mapActions, mapCounts, mapIgnoreip, mapPorts, type Backend, type BanAction } from './map-settings.js';
import { splitFilterSpec } from './filter-read.js';
import { list, type Entry, type ImportPlan, type LeftOut, type Logban, type Table } from './plan.js';

const RESERVED = ['manual', 'fleet', 'recidive'];

// A logban jail name for a fail2ban section: letters, digits, _ and -, at most 21, unique.
function jailName(name: string, taken: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 21) || 'jail';
  if (RESERVED.includes(base) || base.startsWith('list-')) base = `f2b-${base}`.slice(0, 21);
  let out = base;
  for (let n = 2; taken.has(out); n++) out = `${base.slice(0, 21 - String(n).length - 1)}-${n}`;
  taken.add(out);
  return out;
}

// logpath lines without fail2ban's " head"/" tail" suffix (its reader splits at the last space).
function logpaths(value: string | undefined): string[] {
  return (value ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
    const cut = l.lastIndexOf(' ');
    return cut < 0 ? l : l.slice(0, cut).trim();
  });
}

// journalmatch lines (shell words, "+" between alternatives) as logban's list.
function journalTerms(values: readonly (string | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const line of (v ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
      if (out.length > 0) out.push('+');
      out.push(...(line.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2')));
    }
  }
  return out;
}

/** `leftOut`: lines about the jail; those about a setting it takes from [DEFAULT] are also in `fromDefault`. */
type JailResult = { table: Table; ban: BanAction | null; leftOut: string[]; fromDefault?: string[]; recidive?: boolean };

function mapJail(j: ResolvedJail, defaults: ReadonlyMap<string, string>, taken: Set<string>, files: ConfigFiles, logban: Logban): JailResult {
  const s = j.settings;
  const leftOut = [...j.problems.map((p) => `${p} (fail2ban refuses this setting)`)];
  const comments = [`fail2ban's [${j.name}]${j.where('enabled') ? ` (enabled in ${j.where('enabled')})` : ''}`];
  const entries: Entry[] = [];
  const skip = (why: string, name = jailName(j.name, taken)): JailResult => ({
    table: { name: `jails.${name}`, comments: [...comments, why], entries: [], commentedOut: true }, ban: null, leftOut: [...leftOut, why],
  });
  const spec = splitFilterSpec(j.filterSpec);
  const filterName = spec.ok ? spec.value.name : j.filterSpec;
  if (filterName === 'recidive' || j.name === 'recidive') return mapRecidive(j, defaults, leftOut);
  const name = jailName(j.name, taken);
  if (name !== j.name) comments.push(`named ${name}: logban's jail names are 1-21 letters, digits, _ or -, and not ${RESERVED.join(', ')}`);
  // Where the lines come from.
  const backend = (s.get('backend') ?? 'auto').trim();
  const systemd = backend.startsWith('systemd');
  if (j.filter === null) return skip('no filter: fail2ban runs this jail without patterns', name);
  let filterOpts: ReadonlyMap<string, string> = new Map();
  if (!j.filter.ok) {
    if (j.filter.error.kind !== 'missing' || filterName !== 'sshd-ddos') {
      const e = j.filter.error;
      return skip(e.kind === 'missing' ? `filter ${filterName}: no filter.d/${filterName}.conf or .local (fail2ban cannot start this jail)` : `filter ${filterName}: ${e.kind === 'invalid' ? e.message : e.error.message}`, name);
    }
    comments.push('fail2ban 0.9\'s sshd-ddos jail (its filter became sshd\'s mode = ddos in 0.10): logban\'s built-in rule sshd-ddos');
  }
  if (j.inherited.length > 0) comments.push(`${j.inherited.join(', ')} from [sshd], as fail2ban 0.9's jail.conf set them for sshd-ddos`);
  if (j.filter.ok) filterOpts = j.filter.value.options;
  const settings: FilterSettings = { get: (k) => s.get(k) ?? filterOpts.get(k), own: (k) => s.has(k) };
  if (systemd) {
    const terms = journalTerms([filterOpts.get('journalmatch'), s.get('journalmatch')]);
    if (terms.length === 0) return skip('backend = systemd without a journalmatch: fail2ban reads the whole journal, logban reads the entries a journalmatch selects: add journalmatch = ["_SYSTEMD_UNIT=..."]', name);
    entries.push({ key: 'journalmatch', value: list(terms), comments: [`fail2ban: backend = ${backend}`] });
    const dir = /journalpath=([^,\]]+)/.exec(backend)?.[1];
    if (dir) entries.push({ key: 'journal_dir', value: dir.trim().replace(/^["']|["']$/g, '') });
    if (/\[(?![^\]]*journalpath)/.test(backend) && !/^systemd\[journalpath=[^,\]]+\]$/.test(backend)) leftOut.push(`backend = ${backend}: logban runs journalctl with the jail's journalmatch (and journal_dir) only`);
  } else {
    const paths = logpaths(s.get('logpath'));
    if (paths.length === 0) return skip('no logpath: add the log file this jail reads', name);
    for (const p of paths.filter((x) => x.startsWith('~'))) leftOut.push(`logpath ${p}: neither fail2ban nor logban expands "~": write the full path`);
    entries.push({ key: 'logpath', value: list(paths) });
    if (!['auto', 'polling', 'pyinotify', 'gamin'].includes(backend)) leftOut.push(`backend = ${backend}: logban reads the log files (logpath)`);
  }
  if (j.filter.ok) {
    const mode = spec.ok ? spec.value.args.get('mode') : undefined;
    const f = mapFilter(j.filter.value, mode, settings, files, logban);
    if (f.skip) {
      // The filter's own lines say why; the jail's other settings no longer matter.
      const r = skip(f.comments.join('; '), name);
      return f.leftOut.length > 0 ? { ...r, leftOut: [...leftOut, ...f.leftOut] } : r;
    }
    leftOut.push(...f.leftOut);
    comments.push(...f.comments);
    entries.push(...f.entries);
  } else entries.push({ key: 'rules', value: list(['sshd-ddos']) });
  // The ban: ports, protocol and the firewall it goes to.
  const fromDefault: string[] = [];
  const actions = mapActions(s.get('action'));
  leftOut.push(...actions.leftOut);
  if (!j.own('action')) fromDefault.push(...actions.leftOut);
  const ban = actions.ban;
  if (ban === null && actions.leftOut.length === 0) leftOut.push('no ban action: fail2ban bans nothing here; logban bans with its [firewall] backend');
  const protocol = (ban?.protocol ?? s.get('protocol') ?? 'tcp').trim().toLowerCase();
  if (!ban?.allPorts) {
    // The action's own port, unless the jail's came from [sshd] after the action was written.
    const ports = mapPorts(j.inherited.includes('port') ? s.get('port') : ban?.port ?? s.get('port'), logban);
    leftOut.push(...ports.leftOut);
    if (ports.list) entries.push({ key: 'port', value: ports.list });
    if (ports.list && protocol !== 'tcp') entries.push(protocolEntry(protocol, leftOut));
    if (!ports.list && protocol !== 'all') entries.push(protocolEntry(protocol, leftOut));
  } else if (protocol !== 'all') entries.push(protocolEntry(protocol, leftOut));
  // Counts and times, where the jail's differ from [DEFAULT]'s.
  const counts = mapCounts(s, defaults);
  entries.push(...counts.entries);
  leftOut.push(...counts.leftOut);
  const own = mapIgnoreip(s.get('ignoreip'));
  const base = mapIgnoreip(defaults.get('ignoreip')).list;
  if (own.list.join(' ') !== base.join(' ')) {
    const extra = own.list.filter((e) => !base.includes(e));
    const dropped = base.filter((e) => !own.list.includes(e));
    if (dropped.length > 0) leftOut.push(`ignoreip: this jail leaves out ${dropped.join(', ')} of [DEFAULT]'s; logban's jail ignoreip adds to [defaults], so they stay ignored here too`);
    if (extra.length > 0) entries.push({ key: 'ignoreip', value: list(extra), comments: ['added to [defaults] ignoreip'] });
  }
  leftOut.push(...own.leftOut.filter((l) => !mapIgnoreip(defaults.get('ignoreip')).leftOut.includes(l)));
  for (const o of otherSettings(s, settings)) {
    leftOut.push(o.text);
    if (!j.own(o.key) && !(o.key === 'usedns' && filterOpts.has('usedns'))) fromDefault.push(o.text);
  }
  return { table: { name: `jails.${name}`, comments, entries }, ban, leftOut, fromDefault };
}

function protocolEntry(protocol: string, leftOut: string[]): Entry {
  if (['tcp', 'udp', 'all'].includes(protocol)) return { key: 'protocol', value: protocol };
  leftOut.push(`protocol = ${protocol}: logban blocks tcp, udp or all; "all" is used`);
  return { key: 'protocol', value: 'all' };
}

// Settings logban has no form of, said once each.
function otherSettings(s: ReadonlyMap<string, string>, f: FilterSettings): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  const usedns = f.get('usedns')?.trim().toLowerCase();
  if (usedns === 'yes') out.push({ key: 'usedns', text: 'usedns = yes: logban never resolves host names (nothing a client writes can make it look one up); only lines with an address count' });
  if (s.get('ignorecommand')?.trim()) out.push({ key: 'ignorecommand', text: `ignorecommand = ${s.get('ignorecommand')!.trim()}: logban runs no commands; put the addresses in ignoreip` });
  if (['0', 'off', 'false', 'no'].includes((s.get('ignoreself') ?? '').trim().toLowerCase())) out.push({ key: 'ignoreself', text: 'ignoreself = false: logban never bans the host\'s own addresses' });
  const enc = s.get('logencoding')?.trim().toLowerCase();
  if (enc && !['auto', 'utf-8', 'utf8'].includes(enc)) out.push({ key: 'logencoding', text: `logencoding = ${enc}: logban reads logs as UTF-8` });
  if (s.get('logtimezone')?.trim()) out.push({ key: 'logtimezone', text: `logtimezone = ${s.get('logtimezone')!.trim()}: logban reads times without a zone in the host's time zone (TZ)` });
  return out;
}

// fail2ban's recidive jail (it reads fail2ban's own log) as logban's [recidive], which counts bans in the state.
function mapRecidive(j: ResolvedJail, defaults: ReadonlyMap<string, string>, leftOut: string[]): JailResult {
  const counts = mapCounts(j.settings, null);
  const entries: Entry[] = [{ key: 'enabled', value: true }];
  for (const e of counts.entries) {
    if (e.key === 'maxretry' && typeof e.value === 'number' && e.value < 2) { leftOut.push('recidive maxretry = 1: logban\'s [recidive] needs at least 2 bans; 2 is used'); entries.push({ key: 'maxretry', value: 2 }); continue; }
    if (['findtime', 'maxretry', 'bantime'].includes(e.key)) entries.push(e);
  }
  leftOut.push(...counts.leftOut);
  const comments = [`fail2ban's [${j.name}] reads fail2ban's own log for repeat offenders; logban counts its bans in its state instead, on every port`];
  void defaults;
  return { table: { name: 'recidive', comments, entries }, ban: null, leftOut, recidive: true };
}

// The chain a ban action names, as logban's [firewall] chains spell it.
function chainOf(ban: BanAction | null): string {
  const c = ban?.chain?.trim() ?? 'INPUT';
  return /^(?:input|forward)$/.test(c) ? c.toUpperCase() : c;
}

// The one [firewall] logban has, from every jail's ban action.
function firewallTable(jails: readonly { name: string; ban: BanAction | null }[], defaults: ReadonlyMap<string, string>): { table: Table; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const withBan = jails.filter((j) => j.ban !== null);
  const count = new Map<Backend, number>();
  for (const j of withBan) count.set(j.ban!.backend!, (count.get(j.ban!.backend!) ?? 0) + 1);
  const fallback = mapActions(`${defaults.get('banaction') ?? 'iptables-multiport'}`).ban?.backend ?? 'iptables';
  const backend = [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? fallback;
  const others = withBan.filter((j) => j.ban!.backend !== backend);
  if (others.length > 0) leftOut.push({ where: 'firewall', text: `jails ${others.map((j) => `${j.name} (${j.ban!.name})`).join(', ')} ban with another firewall than the rest; logban has one [firewall] backend: ${backend}` });
  let chains = [...new Set((withBan.length > 0 ? withBan : [{ ban: null }]).map((j) => chainOf(j.ban)))];
  const bad = chains.filter((c) => !/^[A-Za-z0-9_-]{1,28}$/.test(c) || (backend === 'nftables' && !['INPUT', 'FORWARD', 'DOCKER-USER'].includes(c)));
  if (bad.length > 0) {
    leftOut.push({ where: 'firewall', text: `chain ${bad.join(', ')}: logban ${backend === 'nftables' ? 'with nftables hooks into INPUT, FORWARD or DOCKER-USER' : 'takes chain names of letters, digits, _ and -'}; left out` });
    chains = chains.filter((c) => !bad.includes(c));
    if (chains.length === 0) chains = ['INPUT'];
  }
  if (chains.length > 1) {
    const by = (c: string) => withBan.filter((j) => chainOf(j.ban) === c).map((j) => j.name).join(', ');
    leftOut.push({ where: 'firewall', text: `jails use different chains (${chains.map((c) => `${c}: ${by(c)}`).join('; ')}); logban's chains are global: every jail's bans now apply in ${chains.join(' and ')}` });
  }
  return { table: { name: 'firewall', comments: [], entries: [{ key: 'backend', value: backend }, { key: 'chains', value: list(chains) }] }, leftOut };
}

// The import plan of a fail2ban configuration.
export function planImport(config: Fail2banConfig, files: ConfigFiles, logban: Logban, dir: string): ImportPlan {
  const d = config.defaults;
  const leftOut: LeftOut[] = [];
  const defaults: Entry[] = [];
  const counts = mapCounts(new Map([...d].map(([k, v]) => [k, v])), null);
  for (const e of counts.entries) defaults.push(e);
  for (const text of counts.leftOut) leftOut.push({ where: 'DEFAULT', text });
  const ignore = mapIgnoreip(d.get('ignoreip'));
  if (ignore.list.length > 0) defaults.push({ key: 'ignoreip', value: list(ignore.list) });
  for (const text of ignore.leftOut) leftOut.push({ where: 'DEFAULT', text });
  const taken = new Set<string>();
  const results = config.enabled.map((j) => ({ j, r: mapJail(j, d, taken, files, logban) }));
  // A setting every jail takes from [DEFAULT] is said once, for [DEFAULT]; each jail keeps its comment.
  for (const { j, r } of results) {
    for (const text of r.leftOut) {
      const where = r.fromDefault?.includes(text) ? 'DEFAULT' : j.name;
      if (!leftOut.some((l) => l.where === where && l.text === text)) leftOut.push({ where, text });
    }
  }
  const jails = results.filter(({ r }) => !r.recidive && !r.table.commentedOut).map(({ j, r }) => ({ name: j.name, ban: r.ban }));
  const firewall = firewallTable(jails, d);
  leftOut.push(...firewall.leftOut);
  const tables: Table[] = [
    { name: 'defaults', comments: ['fail2ban\'s [DEFAULT]'], entries: defaults },
    firewall.table,
    ...results.map(({ r }) => ({ ...r.table, comments: [...r.table.comments, ...r.leftOut.map((l) => `left out: ${l}`)] })),
  ];
  const disabled = config.names.length - config.enabled.length;
  const header = [
    `logban.toml from fail2ban's configuration in ${dir} (logban import-fail2ban)`,
    `read as fail2ban reads it: ${config.set.files.filter((f) => /^jail/.test(f) || /^paths-/.test(f)).join(', ')}`,
    `its ${config.enabled.length} enabled jail${config.enabled.length === 1 ? '' : 's'}; the ${disabled} jail${disabled === 1 ? '' : 's'} off in fail2ban ${disabled === 1 ? 'is' : 'are'} off here too (not written)`,
    'check it with "logban check --config FILE" and each jail\'s patterns with "logban test LOG PATTERN"',
  ];
  return { header, tables, leftOut };
}


// One fail2ban config as fail2ban reads it: NAME.conf, NAME.d/*.conf, NAME.local, NAME.d/*.local,
// each with its [INCLUDES] before/after files (and their .local), merged in that order, later
// wins; what a later file overwrote stays readable as %(known/key)s. Values are read with
// Python's %(name)s interpolation plus fail2ban's %(section/key)s, %(known/key)s,
// %(default/key)s and %(__name__)s.
import { err, ok, type Result } from '../result.js';
import { parseIni, type IniError, type IniFile, type IniValue } from './ini.js';

/** Where the files come from: paths relative to the fail2ban directory, or absolute. */
export type ConfigFiles = {
  /** A file's text; null when there is no such file; an error when it is there but unreadable. */
  readonly read: (path: string) => Result<string | null, string>;
  /** The names in `dir` ending in `ext` (".conf", ".local"), sorted. */
  readonly list: (dir: string, ext: string) => readonly string[];
};

/** Every file of one config merged: [DEFAULT], the sections (and KNOWN/<section>), the files read. */
export type ConfigSet = {
  readonly defaults: Map<string, IniValue>;
  readonly sections: Map<string, Map<string, IniValue>>;
  /** The files read, in order. */
  readonly files: readonly string[];
};

type Loaded = Map<string, Result<IniFile | null, IniError>>;

const withLocal = (path: string) => path.replace(/\.conf$/, '.local');
const isAbsolute = (path: string) => path.startsWith('/');
const dirname = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
// Joins a directory and a relative path, folding "./" and "x/../" as the file system would.
export function joinPath(dir: string, rel: string): string {
  const out: string[] = [];
  for (const part of (dir === '' ? rel : `${dir}/${rel}`).split('/')) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
const join = joinPath;

// The file and its includes, leaves first (fail2ban's order), skipping files that do not exist.
function expand(path: string, files: ConfigFiles, loaded: Loaded, seen: readonly string[]): Result<string[], IniError> {
  const parsed = load(path, files, loaded);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return ok([]);
  const includes = parsed.value.sections.get('INCLUDES');
  const part = (name: 'before' | 'after'): Result<string[], IniError> => {
    const out: string[] = [];
    for (const entry of (includes?.get(name)?.value ?? '').split('\n')) {
      if (entry.trim() === '') continue;
      const target = isAbsolute(entry) ? entry : join(dirname(path), entry);
      if (seen.includes(target) || target === path) continue;
      for (const f of target.endsWith('.conf') ? [target, withLocal(target)] : [target]) {
        const r = expand(f, files, loaded, [...seen, path]);
        if (!r.ok) return r;
        out.push(...r.value);
      }
    }
    return ok(out);
  };
  const before = part('before');
  if (!before.ok) return before;
  const after = part('after');
  if (!after.ok) return after;
  return ok([...before.value, path, ...after.value]);
}

function load(path: string, files: ConfigFiles, loaded: Loaded): Result<IniFile | null, IniError> {
  const cached = loaded.get(path);
  if (cached) return cached;
  const text = files.read(path);
  const r: Result<IniFile | null, IniError> = !text.ok ? err({ file: path, line: 0, message: text.error })
    : text.value === null ? ok(null) : parseIni(text.value, path);
  loaded.set(path, r);
  return r;
}

// Reads `name` (e.g. "jail", "filter.d/sshd") the way fail2ban's ConfigReader does; null when
// none of its files exists.
export function readConfigSet(name: string, files: ConfigFiles): Result<ConfigSet | null, IniError> {
  const dir = `${name}.d`;
  const top = [`${name}.conf`, ...files.list(dir, '.conf').map((f) => join(dir, f)), `${name}.local`, ...files.list(dir, '.local').map((f) => join(dir, f))];
  const loaded: Loaded = new Map();
  const order: string[] = [];
  for (const path of top) {
    const more = [path, ...(path.endsWith('.conf') && !top.includes(withLocal(path)) ? [withLocal(path)] : [])];
    for (const p of more) {
      const r = expand(p, files, loaded, []);
      if (!r.ok) return r;
      order.push(...r.value);
    }
  }
  if (!top.some((p) => order.includes(p))) return ok(null);
  const defaults = new Map<string, IniValue>();
  const sections = new Map<string, Map<string, IniValue>>();
  for (const path of order) {
    const got = loaded.get(path);
    const file = got?.ok ? got.value : null;
    if (file === null) continue;
    for (const [k, v] of file.defaults) defaults.set(k, v);
    for (const [n, s] of file.sections) {
      if (n.includes('?')) continue;
      const had = sections.get(n);
      if (!had) { sections.set(n, new Map(s)); continue; }
      const known = sections.get(`KNOWN/${n}`) ?? new Map<string, IniValue>();
      for (const [k, v] of had) if (s.has(k)) known.set(k, v);
      sections.set(`KNOWN/${n}`, known);
      for (const [k, v] of s) had.set(k, v);
    }
  }
  return ok({ defaults, sections, files: order });
}

/** Values that take precedence over the section's (fail2ban's `vars`: filter arguments). */
export type Vars = ReadonlyMap<string, string>;

const MAX_DEPTH = 10;

// The raw value of `key` as seen from `section`: vars, then the section, then [DEFAULT].
export function rawValue(set: ConfigSet, section: string, key: string, vars?: Vars): string | undefined {
  return vars?.get(key) ?? set.sections.get(section)?.get(key)?.value ?? set.defaults.get(key)?.value;
}

// What %(name)s means in `section`: the plain names, __name__, and section/key forms.
function lookup(set: ConfigSet, section: string, name: string, vars?: Vars): string | undefined {
  if (name === '__name__') return section;
  const plain = rawValue(set, section, name, vars);
  if (plain !== undefined || !name.includes('/')) return plain;
  const m = /^([\w-]+)\/([^\s>]+)$/.exec(name);
  if (!m) return undefined;
  const [sec, opt] = [m[1]!, m[2]!];
  const low = sec.toLowerCase();
  if (low === 'known') return set.sections.get(`KNOWN/${section}`)?.get(opt)?.value ?? set.defaults.get(opt)?.value;
  if (low === 'default') return set.defaults.get(opt)?.value;
  return set.sections.get(sec)?.get(opt)?.value;
}

// Expands %(name)s and %% in `value`, read in `section`.
export function interpolate(set: ConfigSet, section: string, value: string, vars?: Vars, depth = 0): Result<string, string> {
  if (!value.includes('%')) return ok(value);
  if (depth > MAX_DEPTH) return err(`more than ${MAX_DEPTH} levels of %(...)s in [${section}] (a setting that refers to itself?)`);
  let out = '';
  for (let i = 0; i < value.length;) {
    const at = value.indexOf('%', i);
    if (at < 0) { out += value.slice(i); break; }
    out += value.slice(i, at);
    if (value[at + 1] === '%') { out += '%'; i = at + 2; continue; }
    const m = /^%\(([^)]+)\)s/.exec(value.slice(at));
    if (!m) return err(`"%" must be followed by "%" or "(name)s" in [${section}]: ${JSON.stringify(value.slice(at, at + 30))} (write %% for a literal %)`);
    const name = m[1]!.toLowerCase().includes('/') ? m[1]! : m[1]!.toLowerCase();
    const found = lookup(set, section, name, vars);
    if (found === undefined) return err(`%(${m[1]})s in [${section}] names no setting`);
    const inner = interpolate(set, section, found, vars, depth + 1);
    if (!inner.ok) return inner;
    out += inner.value;
    i = at + m[0].length;
  }
  return ok(out);
}

// A setting of `section` (or [DEFAULT]) with its %(...)s expanded; undefined when it is not set.
export function getValue(set: ConfigSet, section: string, key: string, vars?: Vars): Result<string | undefined, string> {
  const raw = rawValue(set, section, key, vars);
  if (raw === undefined) return ok(undefined);
  return interpolate(set, section, raw, vars);
}

// Where a setting was written, for messages ("jail.local:12").
export function whereIs(set: ConfigSet, section: string, key: string): string | undefined {
  const v = set.sections.get(section)?.get(key) ?? set.defaults.get(key);
  return v ? `${v.file}:${v.line}` : undefined;
}

export type { IniError };

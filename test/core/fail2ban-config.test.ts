// fail2ban's config files as fail2ban reads them: the ini rules of Python's ConfigParser as
// fail2ban sets it up, the order of jail.conf, jail.d/*.conf, jail.local, jail.d/*.local, the
// [INCLUDES], %(...)s interpolation with fail2ban's section/key forms, and <tag> substitution.
import { describe, expect, it } from 'vitest';
import { getValue, readConfigSet, type ConfigFiles } from '../../src/core/fail2ban/config-set.js';
import { parseIni } from '../../src/core/fail2ban/ini.js';
import { readFilter, splitFilterSpec } from '../../src/core/fail2ban/filter-read.js';
import { readFail2banConfig } from '../../src/core/fail2ban/jail-read.js';
import { substituteTags } from '../../src/core/fail2ban/tags.js';
import { ok } from '../../src/core/result.js';

// A fail2ban directory held in memory: path -> text.
function memoryFiles(tree: Record<string, string>): ConfigFiles {
  return {
    read: (path) => ok(tree[path] ?? null),
    list: (dir, ext) => Object.keys(tree).filter((p) => p.startsWith(`${dir}/`) && p.endsWith(ext) && !p.slice(dir.length + 1).includes('/')).map((p) => p.slice(dir.length + 1)).sort(),
  };
}

const value = (text: string, section: string, key: string) => {
  const r = parseIni(text, 'f.conf');
  if (!r.ok) throw new Error(r.error.message);
  return (section === 'DEFAULT' ? r.value.defaults : r.value.sections.get(section))?.get(key)?.value;
};

describe('parseIni', () => {
  it.each([
    ['a value continued on indented lines', '[s]\nfailregex = ^a <HOST>$\n            ^b <HOST>$\n', 's', 'failregex', '^a <HOST>$\n^b <HOST>$'],
    ['whole-line comments inside a value are dropped', '[s]\nk = one\n  # not this\n  ; nor this\n  two\n', 's', 'k', 'one\ntwo'],
    ['an empty line inside a value is kept, trailing ones are not', '[s]\nk = one\n\n  two\n\n', 's', 'k', 'one\n\ntwo'],
    ['"#" inside a value is text (only ";" after a space starts a comment)', '[s]\nk = true #note ; gone\n', 's', 'k', 'true #note'],
    ['keys are lower case, ":" sets too', '[s]\nMaxRetry: 3\n', 's', 'maxretry', '3'],
    ['the first = or : splits', '[s]\nlogpath = /var/log/a:b=c\n', 's', 'logpath', '/var/log/a:b=c'],
    ['[DEFAULT] apart from the sections', '[DEFAULT]\nbantime = 1h\n', 'DEFAULT', 'bantime', '1h'],
    ['a value may be empty', '[s]\nignoreregex =\n', 's', 'ignoreregex', ''],
  ])('%s', (_name, text, section, key, want) => {
    expect(value(text, section, key)).toBe(want);
  });

  it.each([
    ['a line that is no setting', '[s]\nenabled true\n', 2, 'neither a [section]'],
    ['a setting before any section', 'enabled = true\n', 1, 'before any [section]'],
    ['a key twice in one section', '[s]\na = 1\na = 2\n', 3, 'set twice'],
    ['a section twice in one file', '[s]\n[s]\n', 2, 'appears twice'],
  ])('refuses %s, naming the line', (_name, text, line, words) => {
    const r = parseIni(text, 'jail.local');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ file: 'jail.local', line, message: expect.stringContaining(words) });
  });
});

describe('readConfigSet and interpolation', () => {
  const tree = {
    'jail.conf': '[INCLUDES]\nbefore = paths.conf\n[DEFAULT]\nbantime = 10m\nfilter = %(__name__)s[mode=%(mode)s]\nmode = normal\n[sshd]\nport = ssh\nlogpath = %(sshd_log)s\n',
    'paths.conf': '[INCLUDES]\nafter = paths-overrides.local\n[DEFAULT]\nsshd_log = /var/log/auth.log\nsshd_backend = %(default/backend)s\nbackend = auto\n',
    'paths-overrides.local': '[DEFAULT]\nsshd_log = /var/log/secure\n',
    'jail.d/b.conf': '[sshd]\nport = 2222\n',
    'jail.d/a.conf': '[sshd]\nport = 22\n',
    'jail.local': '[sshd]\nenabled = true\nport = %(known/port)s,2200\nmaxretry = 100%%\n',
    'jail.d/z.local': '[sshd]\nbantime = 1d\n',
  };
  const set = readConfigSet('jail', memoryFiles(tree));
  if (!set.ok || set.value === null) throw new Error('unreadable');
  const get = (section: string, key: string) => getValue(set.value!, section, key);

  it('reads the files in fail2ban\'s order, includes first', () => {
    expect(set.value!.files).toEqual(['paths.conf', 'paths-overrides.local', 'jail.conf', 'jail.d/a.conf', 'jail.d/b.conf', 'jail.local', 'jail.d/z.local']);
  });
  it.each([
    ['a later file wins', 'sshd', 'bantime', '1d'],
    ['%(known/key)s is the value before the last file set it', 'sshd', 'port', '2222,2200'],
    ['%% is a percent sign', 'sshd', 'maxretry', '100%'],
    ['%(__name__)s is the section', 'sshd', 'filter', 'sshd[mode=normal]'],
    ['%(default/key)s reads [DEFAULT]', 'sshd', 'sshd_backend', 'auto'],
    ['an include\'s .local wins over it', 'sshd', 'logpath', '/var/log/secure'],
  ])('%s', (_name, section, key, want) => {
    expect(get(section, key)).toEqual({ ok: true, value: want });
  });
  it('a %(name)s that names nothing is an error', () => {
    const s = readConfigSet('jail', memoryFiles({ 'jail.conf': '[a]\nk = %(nothing)s\n' }));
    expect(s.ok && s.value && getValue(s.value, 'a', 'k')).toEqual({ ok: false, error: '%(nothing)s in [a] names no setting' });
  });
  it('no jail.conf or jail.local: nothing to read', () => {
    expect(readConfigSet('jail', memoryFiles({}))).toEqual({ ok: true, value: null });
  });
});

describe('substituteTags', () => {
  it('resolves inner tags first, from other options and the lookup, and leaves regex tags', () => {
    const more = (name: string) => ok(({ 'lt_file/p': 'F:', 'lt_journal/p': 'J:' } as Record<string, string>)[name]);
    const r = substituteTags(new Map([['failregex', '^<lt_<logtype>/p> x from <HOST>$'], ['logtype', 'journal']]), more);
    expect(r.ok && r.value.get('failregex')).toBe('^J: x from <HOST>$');
  });
  it('refuses a tag that refers to itself', () => {
    expect(substituteTags(new Map([['a', 'x<a>']]), () => ok(undefined)).ok).toBe(false);
  });
});

describe('filters and jails', () => {
  const tree = {
    'jail.conf': '[DEFAULT]\nfilter = %(__name__)s[mode=%(mode)s]\nmode = normal\nbackend = auto\nenabled = false\n[app]\nlogpath = /var/log/app.log\n[other]\nlogpath = /x\n',
    'jail.local': '[app]\nenabled = yes\nmode = strict\n',
    'filter.d/common.conf': '[DEFAULT]\n__prefix = (?:\\S+ )?app\\[\\d+\\]:\\s\n',
    'filter.d/app.conf': '[INCLUDES]\nbefore = common.conf\n[Definition]\nmode = normal\nnormal = bad login\nstrict = bad (?:login|token)\nfailregex = ^<__prefix><<mode>> from <HOST>$\n[Init]\njournalmatch = _COMM=app\n',
    'filter.d/app.local': '[Definition]\nignoreregex = from 192\\.0\\.2\\.1$\n',
  };
  const files = memoryFiles(tree);

  it('splits a filter spec into its name and arguments', () => {
    expect(splitFilterSpec('sshd[mode=aggressive, publickey="invalid"]')).toEqual({ ok: true, value: { name: 'sshd', args: new Map([['mode', 'aggressive'], ['publickey', 'invalid']]) } });
  });
  it('reads a filter with the jail\'s arguments over its [Definition], [Init] and its .local', () => {
    const f = readFilter('app[mode=strict]', new Map([['backend', 'auto']]), files);
    expect(f.ok && Object.fromEntries(f.value.options)).toEqual({
      failregex: '^(?:\\S+ )?app\\[\\d+\\]:\\sbad (?:login|token) from <HOST>$', ignoreregex: 'from 192\\.0\\.2\\.1$', journalmatch: '_COMM=app',
    });
  });
  it('reads the enabled jails only, each with its filter', () => {
    const c = readFail2banConfig(files);
    expect(c.ok && c.value.enabled.map((j) => [j.name, j.filterSpec, j.settings.get('logpath')])).toEqual([['app', 'app[mode=strict]', '/var/log/app.log']]);
    expect(c.ok && c.value.names).toEqual(['app', 'other']);
  });
});

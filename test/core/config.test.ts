import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/build.js';
import { matchLine } from '../../src/core/match.js';

describe('config', () => {
  it('embedded defaults: one jail per built-in rule whose log exists', () => {
    const r = buildConfig('', null, (p) => p === '/var/log/secure' || p === '/var/log/mysqld.log');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.jails.map((j) => [j.name, j.logpath, j.findtime, j.maxretry, j.bantime])).toEqual([
      ['sshd', ['/var/log/secure'], 600, 5, 3600],
      ['mysqld-auth', ['/var/log/mysqld.log'], 600, 5, 3600],
    ]);
    expect(r.value.backend).toBe('iptables');
    expect(r.value.chains).toEqual(['INPUT']);
  });

  // A fake host: the paths that exist on it (logs, unit files, journalctl), never this machine's.
  const host = (...paths: string[]) => (p: string) => paths.includes(p);
  const embedded = (exists: (p: string) => boolean) => {
    const r = buildConfig('', null, exists);
    if (!r.ok) throw new Error(r.error.message);
    return r.value.jails.map((j) => [j.name, j.logpath, j.journalmatch]);
  };
  it.each([
    ['Debian 12 without rsyslog: sshd from the journal', host('/lib/systemd/system/ssh.service', '/usr/bin/journalctl'),
      [['sshd', [], ['_SYSTEMD_UNIT=ssh.service']]]],
    ['RHEL without rsyslog, usr-merged', host('/usr/lib/systemd/system/sshd.service', '/bin/journalctl'),
      [['sshd', [], ['_SYSTEMD_UNIT=sshd.service']]]],
    ['the log file wins over the journal', host('/var/log/auth.log', '/lib/systemd/system/ssh.service', '/usr/bin/journalctl'),
      [['sshd', ['/var/log/auth.log'], []]]],
    ['a unit but no journalctl: nothing to read it with', host('/lib/systemd/system/ssh.service'), []],
    ['journalctl but no sshd unit', host('/usr/bin/journalctl', '/lib/systemd/system/cron.service'), []],
    ['Debian 12 MariaDB (no error file): its journal', host('/lib/systemd/system/mariadb.service', '/etc/systemd/system/mysql.service', '/usr/bin/journalctl'),
      [['mysqld-auth', [], ['_SYSTEMD_UNIT=mariadb.service', '_SYSTEMD_UNIT=mysql.service']]]],
    ['Debian 12 MariaDB with log_error turned on: the file', host('/var/log/mysql/error.log', '/lib/systemd/system/mariadb.service', '/usr/bin/journalctl'),
      [['mysqld-auth', ['/var/log/mysql/error.log'], []]]],
  ])('embedded defaults, %s', (_, exists, jails) => {
    expect(embedded(exists)).toEqual(jails);
  });

  it('jail settings override defaults; jail ignoreip adds to the default list', () => {
    const text = `
[defaults]
findtime = "5m"
maxretry = 4
bantime = "permanent"
ignoreip = ["192.168.0.0/24"]
[jails.web]
logpath = "/srv/a.log"
failregex = ['^<HOST> -']
maxretry = 2
bantime = -1
ignoreip = ["2001:db8::/32"]
[jails.off]
enabled = false
logpath = ["/x"]
rules = ["sshd"]
`;
    const r = buildConfig(text, '/etc/logban/logban.toml', () => false);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.jails).toHaveLength(1);
    const web = r.value.jails[0]!;
    expect([web.findtime, web.maxretry, web.bantime, web.logpath, web.ignoreip]).toEqual([300, 2, null, ['/srv/a.log'], ['192.168.0.0/24', '2001:db8::/32']]);
    expect(web.matcher.prefilter).toBeNull();
  });

  it.each([
    ['[jails.x]\nlogpath=["/a"]\n', 1, 'needs rules'],
    ['[jails."bad name"]\nlogpath=["/a"]\nrules=["sshd"]\n', 1, 'jail name'],
    ['[jails.x]\nrules=["sshd"]\n', 1, 'needs logpath'],
    ['[defaults]\nmaxretry = 0\n', 2, 'maxretry'],
    ['[defaults]\nfindtime = "permanent"\n', 2, 'findtime cannot be permanent'],
    ['[firewall]\nchains = ["IN PUT"]\n', 2, 'not a chain name'],
    ['oops = 1\n', 1, 'unknown setting "oops"'],
    ['[defaults]\nmaxretry = 3\nbantime = "99999999999w"\n', 3, 'bantime: "99999999999w" is longer than the maximum of 3650d'],
    ['[defaults]\nbantime_factor = 2\nmaxbantime = "20y"\n', 3, 'maxbantime: "20y" is not a duration'],
    ['[defaults]\nbantime_factor = 2\nmaxbantime = "1000w"\n', 3, 'maxbantime: "1000w" is longer than the maximum'],
    ['[jails.x]\nlogpath=["/a"]\nrules=["sshd"]\nfindtime = "400d"\n', 4, 'findtime: "400d" is longer than the maximum of 365d'],
    ['[jails.x]\nlogpath=["/a"]\nrules=["sshd"]\nbantime = 1e12\n', 4, 'bantime: 1000000000000 is longer'],
    ['[defaults]\nmaxretry = 3\nreset_on_success = "yes"\n', 3, 'reset_on_success must be true or false, not "yes"'],
    ['[jails.x]\nlogpath=["/a"]\nrules=["sshd"]\nreset_on_success = 1\n', 4, 'reset_on_success must be true or false, not 1'],
    ['[defaults]\nipv6_prefix = 129\n', 2, 'ipv6_prefix must be a prefix length from 8 to 128, not 129'],
    ['[defaults]\nipv4_prefix = "24"\n', 2, 'ipv4_prefix must be a prefix length from 8 to 32, not "24"'],
    ['[jails.x]\nlogpath=["/a"]\nrules=["sshd"]\nipv6_prefix = 4\n', 4, 'ipv6_prefix must be a prefix length from 8 to 128, not 4'],
    ['[defaults]\nsubnet_maxbans = 1\n', 2, 'subnet_maxbans must be at least 2'],
    ['[jails.x]\nlogpath=["/a"]\nrules=["sshd"]\nsubnet_maxbans = 3\nsubnet_prefix6 = 64\n', 5, 'subnet_prefix6 (64) must be shorter than ipv6_prefix (64)'],
    ['[recidive]\nmaxretry = 1\n', 2, 'maxretry must be at least 2'],
    ['[recidive]\nfindtime = "permanent"\n', 2, 'findtime cannot be permanent'],
    ['[recidive]\nports = [22]\n', 2, 'unknown setting "ports" in [recidive]'],
    ['[recidive]\n[jails.recidive]\nlogpath=["/a"]\nrules=["sshd"]\n', 2, 'jail name "recidive" is logban\'s own (set up repeat offenders in [recidive])'],
  ])('%j is refused at line %i', (text, line, message) => {
    const r = buildConfig(text, '/etc/logban/logban.toml', () => false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(line);
    expect(r.error.message).toContain(message);
  });
});

describe('network settings and recidive', () => {
  const build = (text: string) => {
    const r = buildConfig(`[firewall]\nbackend = "none"\n${text}`, '/etc/logban/logban.toml', () => false);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const jails = '[jails.a]\nlogpath = ["/a"]\nrules = ["sshd"]\n[jails.b]\nlogpath = ["/b"]\nrules = ["sshd"]\nipv6_prefix = 128\nsubnet_maxbans = 4\n';

  it('IPv6 counts per /64 and IPv4 per address unless set; subnet escalation is off until subnet_maxbans is set', () => {
    const c = build(jails);
    expect(c.jails.map((j) => [j.name, j.ipv4Prefix, j.ipv6Prefix, j.subnet])).toEqual([
      ['a', 32, 64, null],
      ['b', 32, 128, { maxbans: 4, prefix4: 24, prefix6: 48 }],
    ]);
    const d = build(`[defaults]\nipv4_prefix = 28\nsubnet_maxbans = 3\nsubnet_prefix4 = 16\n${jails}`);
    expect(d.jails.map((j) => [j.ipv4Prefix, j.subnet])).toEqual([[28, { maxbans: 3, prefix4: 16, prefix6: 48 }], [28, { maxbans: 4, prefix4: 16, prefix6: 48 }]]);
    expect(c.recidive).toBeNull();
  });

  it('[recidive] is on once it is there, with a day, three bans and a week unless set', () => {
    expect(build(`[recidive]\n${jails}`).recidive).toEqual({ findtime: 86400, maxretry: 3, bantime: 604800 });
    expect(build(`[recidive]\nenabled = true\nfindtime = "12h"\nmaxretry = 5\nbantime = "permanent"\n${jails}`).recidive).toEqual({ findtime: 43200, maxretry: 5, bantime: null });
    expect(build(`[recidive]\nenabled = false\n${jails}`).recidive).toBeNull();
  });
});

describe('reset_on_success', () => {
  const build = (text: string) => {
    const r = buildConfig(`[firewall]\nbackend = "none"\n${text}`, '/etc/logban/logban.toml', () => false);
    if (!r.ok) throw new Error(r.error.message);
    return Object.fromEntries(r.value.jails.map((j) => [j.name, j.resetOnSuccess]));
  };
  const jails = '[jails.a]\nlogpath = ["/a"]\nrules = ["dovecot"]\n[jails.b]\nlogpath = ["/b"]\nrules = ["sshd"]\nreset_on_success = false\n';

  it('is off unless asked for, set in [defaults] for every jail, and a jail may override it', () => {
    expect(build(jails)).toEqual({ a: false, b: false });
    expect(build(`[defaults]\nreset_on_success = true\n${jails}`)).toEqual({ a: true, b: false });
    expect(build(jails.replace('rules = ["dovecot"]', 'rules = ["dovecot"]\nreset_on_success = true'))).toEqual({ a: true, b: false });
  });
});

describe('custom patterns in the config', () => {
  const jail = (body: string) => `[firewall]\nbackend = "none"\n\n[jails.web]\nlogpath = ["/srv/a.log"]\n${body}`;
  const build = (text: string) => buildConfig(text, '/etc/logban/logban.toml', () => false);

  it.each([
    // [config body, line of the error, words the message must hold]
    ["failregex = ['^<HOST> (unclosed']\n", 6, ['jail "web"', "pattern '^<HOST> (unclosed'", 'Unterminated group']],
    ["failregex = ['^no host here$']\n", 6, ['jail "web"', "pattern '^no host here$'", 'it has no <HOST>']],
    ["failregex = ['^<HOST> and <HOST>$']\n", 6, ['jail "web"', 'more than one <HOST>']],
    ["failregex = [\n  '^<HOST> fine$',\n  '^<HOST> [bad$',\n]\n", 8, ["pattern '^<HOST> [bad$'", 'Unterminated character class']],
    ["failregex = ['^<HOST> x$']\nignoreregex = ['(oops']\n", 7, ["pattern '(oops'", 'Unterminated group']],
    ["prefregex = '^\\S+ app['\nfailregex = ['<HOST> x$']\n", 6, ['prefregex', 'Unterminated character class']],
    ["prefregex = '^<HOST> '\nfailregex = ['from <HOST>$']\n", 7, ['more than one <HOST>', 'prefregex and pattern together']],
    ["rules = ['sshd']\nprefregex = '^\\S+ app: '\n", 7, ['prefregex needs failregex']],
    ["prefregex = 5\nfailregex = ['<HOST>']\n", 6, ['prefregex must be a string']],
  ])('%j is refused at its line', (body, line, words) => {
    const r = build(jail(body));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(line);
    for (const w of words) expect(r.error.message).toContain(w);
  });

  it('prefregex is the common start of every failregex; a leading ^ on the pattern is dropped', () => {
    const r = build(jail("prefregex = '^\\S+ app\\[\\d+\\]: '\nfailregex = ['^login failed from <HOST>$', 'bad token from <HOST>$']\n"));
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value.jails[0]!.matcher;
    expect(matchLine('host1 app[12]: login failed from 203.0.113.5', m)).toMatchObject({ kind: 'match', ip: '203.0.113.5', pattern: 0 });
    expect(matchLine('host1 app[12]: bad token from 2001:db8::5', m)).toMatchObject({ kind: 'match', ip: '2001:db8::5', pattern: 1 });
    expect(matchLine('host1 other[12]: login failed from 203.0.113.5', m).kind).toBe('miss');
  });

  it('datepattern: one name or a list, kept for the jail; an empty list is refused', () => {
    const one = build(jail("failregex = ['^<HOST> x$']\ndatepattern = 'iso8601'\n"));
    if (!one.ok) throw new Error(one.error.message);
    expect(one.value.jails[0]!.datepattern).toEqual(['iso8601']);
    const aliases = build(jail("failregex = ['^<HOST> x$']\ndatepattern = ['rfc5424', 'syslog']\n"));
    if (!aliases.ok) throw new Error(aliases.error.message);
    expect(aliases.value.jails[0]!.datepattern).toEqual(['iso8601', 'syslog']);
    const unknown = build(jail("failregex = ['^<HOST> x$']\ndatepattern = 'strftime'\n"));
    expect(unknown.ok ? null : [unknown.error.line, unknown.error.message.split(' (known')[0]]).toEqual([7, 'datepattern: unknown datepattern "strftime"']);
    const none = build(jail("failregex = ['^<HOST> x$']\ndatepattern = []\n"));
    expect(none.ok ? null : [none.error.line, none.error.message]).toEqual([7, 'datepattern must name at least one date format']);
  });
});

import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/build.js';

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
  ])('%j is refused at line %i', (text, line, message) => {
    const r = buildConfig(text, '/etc/logban/logban.toml', () => false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(line);
    expect(r.error.message).toContain(message);
  });
});

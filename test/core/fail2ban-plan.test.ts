// The import plan of a small fail2ban configuration held in memory: logpath over several lines,
// ports and protocols from the ban action, a jail name logban has to change, a jail without a
// filter file, and what logban check must accept.
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import type { ConfigFiles } from '../../src/core/fail2ban/config-set.js';
import { planImport } from '../../src/core/fail2ban/import-plan.js';
import { readFail2banConfig } from '../../src/core/fail2ban/jail-read.js';
import type { Logban } from '../../src/core/fail2ban/plan.js';
import { writeToml } from '../../src/core/fail2ban/toml-write.js';
import { ok } from '../../src/core/result.js';
import { buildConfig } from '../../src/config/build.js';

const tree: Record<string, string> = {
  'jail.conf': [
    '[DEFAULT]', 'enabled = false', 'filter = %(__name__)s', 'bantime = 1h', 'findtime = 10m', 'maxretry = 5', 'port = 0:65535', 'protocol = tcp',
    'chain = <known/chain>', 'banaction = iptables-multiport', 'banaction_allports = iptables-allports',
    'action = %(banaction)s[port="%(port)s", protocol="%(protocol)s", chain="%(chain)s"]',
    '[web.app]', 'enabled = true', 'port = http,https', 'logpath = /var/log/app/access.log tail', '          /var/log/app/other-*.log',
    '[voip]', 'enabled = true', 'filter = web.app', 'protocol = udp', 'port = 5060', 'logpath = /var/log/voip.log',
    '[all]', 'enabled = true', 'filter = web.app', 'banaction = %(banaction_allports)s', 'logpath = /var/log/all.log',
    '[gone]', 'enabled = true', 'logpath = /var/log/gone.log',
  ].join('\n'),
  'filter.d/web.app.conf': '[Definition]\nfailregex = ^<HOST> \\S+ \\S+ \\[\\] "POST /login" 401\n',
};
const files: ConfigFiles = { read: (p) => ok(tree[p] ?? null), list: () => [] };
const logban: Logban = {
  hasRule: () => false, hasGuard: () => false, checkPatterns: () => null, isPackageFile: () => false,
  lookupPort: (n) => ({ http: 80, https: 443 } as Record<string, number>)[n] ?? null,
};

describe('planImport', () => {
  const config = readFail2banConfig(files);
  if (!config.ok) throw new Error(config.error.message);
  const plan = planImport(config.value, files, logban, '/etc/fail2ban');
  const toml = writeToml(plan);
  const data = parse(toml) as { jails: Record<string, Record<string, unknown>> };

  it('carries each jail with its logpath lines, ports and protocol', () => {
    expect(data.jails['web-app']).toMatchObject({ logpath: ['/var/log/app/access.log', '/var/log/app/other-*.log'], port: ['http', 'https'] });
    expect(data.jails['voip']).toMatchObject({ port: ['5060'], protocol: 'udp' });
    expect(data.jails['all']).toMatchObject({ protocol: 'tcp' });
    expect(data.jails['all']!['port']).toBeUndefined();
  });
  it('says why a jail name changed, and leaves out a jail whose filter file is missing', () => {
    expect(toml).toContain('# named web-app: logban\'s jail names are 1-21 letters, digits, _ or -');
    expect(data.jails['gone']).toBeUndefined();
    expect(plan.leftOut).toEqual([{ where: 'gone', text: 'filter gone: no filter.d/gone.conf or .local (fail2ban cannot start this jail)' }]);
  });
  it('is a config logban check accepts', () => {
    const built = buildConfig(toml, 'logban.toml', () => true, () => null);
    expect(built.ok && built.value.jails.map((j) => j.name)).toEqual(['web-app', 'voip', 'all']);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// The systemd units in contrib/systemd: what systemd itself says of them (systemd-analyze verify,
// which needs no running systemd), and the settings the README promises.
const DIR = join(ROOT, 'contrib/systemd');
const UNITS = ['logban.service', 'logban.timer', 'logban-restore.service'];
const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
if (!analyze && process.env['CI']) throw new Error('CI: systemd-analyze is missing (Debian package systemd)');
const unit = (name: string) => readFileSync(join(DIR, name), 'utf8');

describe.skipIf(!analyze)('contrib/systemd units (systemd-analyze verify)', () => {
  it('pass systemd-analyze verify without a word', () => {
    const r = spawnSync(analyze!, ['verify', ...UNITS.map((u) => join(DIR, u))], { encoding: 'utf8', timeout: 30_000 });
    expect([r.status, r.stderr.trim(), r.stdout.trim()]).toEqual([0, '', '']);
  });

  it('logban.service: oneshot, a held lock (75) is success, the config checked first, hardened', () => {
    const s = unit('logban.service');
    for (const line of ['Type=oneshot', 'SuccessExitStatus=75', 'ExecStartPre=/usr/bin/env logban check', 'ExecStart=/usr/bin/env logban scan',
      'ProtectSystem=strict', 'ReadWritePaths=/var/lib/logban /run', 'ProtectHome=true', 'PrivateTmp=true', 'NoNewPrivileges=true',
      'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_DAC_READ_SEARCH', 'StateDirectory=logban']) {
      expect(s.split('\n')).toContain(line);
    }
  });

  it('logban.timer every 2 minutes, made up after downtime; logban-restore.service before the network', () => {
    expect(unit('logban.timer').split('\n')).toEqual(expect.arrayContaining(['OnCalendar=*:0/2', 'Persistent=true', 'WantedBy=timers.target']));
    expect(unit('logban-restore.service').split('\n')).toEqual(expect.arrayContaining(['ExecStart=/usr/bin/env logban restore', 'Before=network-pre.target network-online.target', 'DefaultDependencies=no']));
  });
});

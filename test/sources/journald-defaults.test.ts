import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedJails } from '../../src/config/defaults.js';
import { makeSandbox } from '../helpers/cli.js';

// Debian 12 installs no rsyslog: sshd's lines are only in the journal. The jail the embedded
// defaults make for such a host (a fake host, never this machine's units and logs) reads a real
// journal file, with the test's own journal directory.
const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
const NOW = '2026-11-21T09:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const A = '203.0.113.7';

function gate() {
  if (!REMOTE && process.env['CI']) throw new Error('systemd-journal-remote is needed under CI (apt-get install systemd-journal-remote)');
  return { skip: !REMOTE };
}

const DEBIAN12 = new Set(['/lib/systemd/system/ssh.service', '/usr/bin/journalctl']);

let seq = 0;
function entry(unit: string, message: string, ago: number): string {
  seq++;
  return [
    `__REALTIME_TIMESTAMP=${(NOW_S - ago) * 1_000_000}`,
    `__MONOTONIC_TIMESTAMP=${seq * 1000}`,
    '_BOOT_ID=0123456789abcdef0123456789abcdef',
    `_SYSTEMD_UNIT=${unit}`,
    '_TRANSPORT=syslog',
    '_HOSTNAME=web1',
    'SYSLOG_IDENTIFIER=sshd',
    `_PID=${4000 + seq}`,
    `MESSAGE=${message}`,
    '',
    '',
  ].join('\n');
}

describe.skipIf(gate().skip)('embedded defaults on a host whose sshd logs only to the journal', () => {
  it('the sshd jail they make reads ssh.service entries and bans', () => {
    const jail = embeddedJails((p) => DEBIAN12.has(p))['sshd'];
    expect(jail).toEqual({ journalmatch: ['_SYSTEMD_UNIT=ssh.service'], rules: ['sshd'], port: ['ssh'] });
    const box = makeSandbox(`
[firewall]
backend = "none"
[jails.sshd]
journalmatch = ${JSON.stringify(jail!['journalmatch'])}
journal_dir = "$DIR/journal"
rules = ${JSON.stringify(jail!['rules'])}
port = ${JSON.stringify(jail!['port'])}
`);
    const fail = (ago: number, unit = 'ssh.service') => entry(unit, `Failed password for root from ${A} port ${40000 + seq} ssh2`, ago);
    mkdirSync(join(box.dir, 'journal'), { recursive: true });
    const input = join(box.dir, 'one.export');
    writeFileSync(input, [fail(500), fail(400), fail(300), fail(250, 'cron.service'), fail(200), fail(100)].join(''));
    const r = spawnSync(REMOTE!, ['-o', join(box.dir, 'journal', 'one.journal'), input], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`systemd-journal-remote failed: ${r.stderr}`);
    const out = box.json(NOW);
    expect(out.files[0]!.linesRead).toBe(5);
    expect(out.newBans.map((b) => [b.ip, b.jail, b.failures])).toEqual([[A, 'sshd', 5]]);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
const NOW = '2026-11-21T09:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const A = '203.0.113.7';
const B = '2001:db8::b';

function gate() {
  if (!REMOTE && process.env['CI']) throw new Error('systemd-journal-remote is needed under CI (apt-get install systemd-journal-remote)');
  return { skip: !REMOTE };
}

let seq = 0;
// One journal entry in journald's export format.
function entry(unit: string, ident: string, message: string, secondsBeforeNow: number): string {
  seq++;
  return [
    `__REALTIME_TIMESTAMP=${(NOW_S - secondsBeforeNow) * 1_000_000}`,
    `__MONOTONIC_TIMESTAMP=${seq * 1000}`,
    '_BOOT_ID=0123456789abcdef0123456789abcdef',
    `_SYSTEMD_UNIT=${unit}`,
    '_HOSTNAME=web1',
    `SYSLOG_IDENTIFIER=${ident}`,
    `_PID=${4000 + seq}`,
    `MESSAGE=${message}`,
    '',
    '',
  ].join('\n');
}

const fail = (ip: string, ago: number) => entry('ssh.service', 'sshd', `Failed password for root from ${ip} port ${40000 + seq} ssh2`, ago);

// A real journal file made from export-format text, in the test's own directory.
function writeJournal(dir: string, name: string, entries: string[]): void {
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const input = join(dir, `${name}.export`);
  writeFileSync(input, entries.join(''));
  const r = spawnSync(REMOTE!, ['-o', join(dir, 'journal', `${name}.journal`), input], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemd-journal-remote failed: ${r.stderr}`);
}

describe.skipIf(gate().skip)('journald source', () => {
  it('reads a real journal, resumes from the cursor, and bans', () => {
    const box = makeSandbox(`
[defaults]
findtime = "1h"
maxretry = 4
ipv6_prefix = 128
[firewall]
backend = "none"
[jails.sshd]
journalmatch = ["_SYSTEMD_UNIT=ssh.service"]
journal_dir = "$DIR/journal"
rules = ["sshd"]
`);
    // A's attacker lines also go through another unit: only ssh.service entries may count.
    writeJournal(box.dir, 'one', [
      fail(A, 600), fail(A, 590), fail(A, 580), fail(B, 570), fail(B, 560),
      entry('cron.service', 'CRON', `Failed password for root from ${A} port 1 ssh2`, 550),
      entry('ssh.service', 'sshd', `Accepted publickey for deploy from 198.51.100.20 port 5000 ssh2`, 540),
    ]);
    const first = box.json(NOW);
    expect(first.newBans).toEqual([]);
    expect(first.files).toEqual([expect.objectContaining({ linesRead: 6 })]);
    writeJournal(box.dir, 'two', [fail(A, 300), fail(B, 290)]);
    const second = box.json(NOW);
    expect(second.files[0]!.linesRead).toBe(2);
    expect(second.newBans.map((b) => [b.ip, b.failures])).toEqual([[A, 4]]);
    expect(second.newBans[0]!.evidence.at(-1)).toMatch(/^2026-11-21T08:55:00Z web1 sshd\[\d+\]: Failed password for root from 203\.0\.113\.7 /);
    const status = JSON.parse(runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]).stdout);
    expect(status.failures).toEqual([{ jail: 'sshd', ip: B, count: 3 }]);
    expect(box.json(NOW).files[0]!.linesRead).toBe(0);
  });

  it('no journalctl on PATH: a warning naming the source and the fix, the run goes on', () => {
    const box = makeSandbox(`
[firewall]
backend = "none"
[jails.sshd]
journalmatch = ["_SYSTEMD_UNIT=ssh.service"]
rules = ["sshd"]
`);
    const r = runCli(['scan', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW], { env: { PATH: box.dir } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('journal::_SYSTEMD_UNIT=ssh.service: journalctl was not found');
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox } from '../helpers/cli.js';

// Debian 12's MariaDB writes no error file: it logs to stderr, which journald stores one entry
// per line under mariadb.service (journald cuts at each newline, a user name's too). A jail with
// journalmatch reads a real journal file made from such entries.
const REMOTE = ['/lib/systemd/systemd-journal-remote', '/usr/lib/systemd/systemd-journal-remote'].find((p) => existsSync(p));
const NOW = '2026-11-21T09:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;
const CLIENT = '203.0.113.50';
const VICTIM = '198.51.100.77';

function gate() {
  if (!REMOTE && process.env['CI']) throw new Error('systemd-journal-remote is needed under CI (apt-get install systemd-journal-remote)');
  return { skip: !REMOTE };
}

let seq = 0;
// One line of mariadbd's stderr as journald stores it (export format), `ago` seconds before NOW.
function entry(message: string, ago: number, unit = 'mariadb.service'): string {
  seq++;
  return [
    `__REALTIME_TIMESTAMP=${(NOW_S - ago) * 1_000_000}`,
    `__MONOTONIC_TIMESTAMP=${seq * 1000}`,
    '_BOOT_ID=0123456789abcdef0123456789abcdef',
    `_SYSTEMD_UNIT=${unit}`,
    '_TRANSPORT=stdout',
    '_HOSTNAME=db1',
    'SYSLOG_IDENTIFIER=mariadbd',
    '_PID=812',
    `MESSAGE=${message}`,
    '',
    '',
  ].join('\n');
}

const stamp = (ago: number) => {
  const d = new Date((NOW_S - ago) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${String(d.getUTCHours()).padStart(2, ' ')}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
};
const denied = (user: string, ip: string, ago: number) => entry(`${stamp(ago)} ${seq + 30} [Warning] Access denied for user '${user}'@'${ip}' (using password: YES)`, ago);

function writeJournal(dir: string, entries: string[]): void {
  mkdirSync(join(dir, 'journal'), { recursive: true });
  const input = join(dir, 'mariadb.export');
  writeFileSync(input, entries.join(''));
  const r = spawnSync(REMOTE!, ['-o', join(dir, 'journal', 'mariadb.journal'), input], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemd-journal-remote failed: ${r.stderr}`);
}

function sandbox() {
  return makeSandbox(`
[firewall]
backend = "none"
[jails.mysqld-auth]
journalmatch = ["_SYSTEMD_UNIT=mariadb.service", "_SYSTEMD_UNIT=mysql.service"]
journal_dir = "$DIR/journal"
rules = ["mysqld-auth"]
port = ["3306"]
`);
}

describe.skipIf(gate().skip)('Debian 12 MariaDB through the journal', () => {
  it('five refusals of one client ban it; entries of another unit never count', () => {
    const box = sandbox();
    writeJournal(box.dir, [
      entry(`${stamp(400)} 0 [Note] /usr/sbin/mariadbd: ready for connections.`, 400),
      ...[300, 290, 280, 270].map((ago) => denied('root', CLIENT, ago)),
      entry(`${stamp(265)} 9 [Warning] Access denied for user 'root'@'${VICTIM}' (using password: YES)`, 265, 'cron.service'),
      denied('admin', CLIENT, 260),
    ]);
    const out = box.json(NOW);
    expect(out.files).toEqual([expect.objectContaining({ path: `journal:${box.dir}/journal:_SYSTEMD_UNIT=mariadb.service _SYSTEMD_UNIT=mysql.service`, linesRead: 6 })]);
    expect(out.newBans.map((b) => [b.ip, b.jail, b.failures])).toEqual([[CLIENT, 'mysqld-auth', 5]]);
  });

  it('a user name that starts with a newline and holds a forged refusal: journald cuts it into entries, the guard marks the unclosed one and keeps the forged one out', () => {
    const box = sandbox();
    const attack = (ago: number) => [
      entry(`${stamp(ago)} ${seq + 40} [Warning] Access denied for user '`, ago),
      entry(`${stamp(ago)} 9 [Warning] Access denied for user 'root'@'${VICTIM}' (using password: YES)`, ago),
      entry(`'@'${CLIENT}' (using password: YES)`, ago),
    ];
    writeJournal(box.dir, [300, 290, 280, 270, 260].flatMap(attack));
    const out = box.json(NOW);
    expect(out.files[0]!.linesRead).toBe(15);
    expect(out.newBans.map((b) => b.ip)).not.toContain(VICTIM);
  });

  it('a forged terminator first, then the forged refusal: the entry without the server\'s date marks both; the client\'s ordinary tries after them count', () => {
    const box = sandbox();
    const attack = (ago: number) => [
      entry(`${stamp(ago)} ${seq + 40} [Warning] Access denied for user 'x'@'h' (using password: YES)`, ago),
      entry(`${stamp(ago)} 9 [Warning] Access denied for user 'root'@'${VICTIM}' (using password: YES)`, ago),
      entry(`'@'${CLIENT}' (using password: YES)`, ago),
    ];
    // Ordinary tries beyond what an attacked record can reach (a few hundred characters).
    const later = [200, 190, 180, 170, 160, 150, 140, 130, 120, 110].map((ago) => denied('root', CLIENT, ago));
    writeJournal(box.dir, [...[300, 290, 280, 270, 260].flatMap(attack), ...later]);
    const out = box.json(NOW);
    expect(out.newBans.map((b) => b.ip)).toEqual([CLIENT]);
    expect(out.newBans[0]!.failures).toBeGreaterThanOrEqual(5);
  });
});

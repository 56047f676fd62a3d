import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

type Row = { key: string; count: number };

// A small deterministic generator (xorshift), so the logs are varied but the same on every run.
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const ATTACKERS = [
  '203.0.113.5', '203.0.113.66', '203.0.113.200', '198.51.100.7', '198.51.100.8', '192.0.2.44',
  '2001:db8:1:2::10', '2001:db8:1:2::11', '2001:db8:7::1',
];
const MONTH_DAYS = ['Nov 17', 'Nov 18', 'Nov 19', 'Nov 20', 'Nov 21'];

// One day of auth.log: failures of several kinds, logins, cron noise and an injection attempt.
function dayOfLog(rnd: () => number, day: string, lines: number): string {
  let out = '';
  for (let i = 0; i < lines; i++) {
    const t = `${day} ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:07`;
    const ip = ATTACKERS[Math.floor(rnd() * ATTACKERS.length)]!;
    const port = 30000 + Math.floor(rnd() * 30000);
    const kind = Math.floor(rnd() * 6);
    if (kind === 0) out += `${t} web1 sshd[${i}]: Failed password for root from ${ip} port ${port} ssh2\n`;
    else if (kind === 1) out += `${t} web1 sshd[${i}]: Failed password for invalid user admin from ${ip} port ${port} ssh2\n`;
    else if (kind === 2) out += `${t} web1 sshd[${i}]: Invalid user oracle from ${ip} port ${port}\n`;
    else if (kind === 3) out += `${t} web1 sshd[${i}]: Accepted publickey for alice from ${ip} port ${port} ssh2: ED25519 SHA256:abc\n`;
    else if (kind === 4) out += `${t} web1 CRON[${i}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n`;
    else out += `${t} web1 sshd[${i}]: Failed password for invalid user x from 192.0.2.250 port 22 ssh2 from ${ip} port ${port} ssh2\n`;
  }
  return out;
}

// The count the test trusts, made without logban: the address sshd appended after the last "from".
const FAILURE = /sshd\[\d+\]: (?:Failed password for .* from (\S+) port \d+ ssh2|Invalid user \S+ from (\S+) port \d+)$/;

function expected(text: string, bits: 16 | 24) {
  const ips = new Map<string, number>();
  const nets = new Map<string, number>();
  const days = new Map<string, number>();
  let lines = 0;
  let matched = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    lines++;
    const m = FAILURE.exec(line);
    if (!m) continue;
    matched++;
    const ip = (m[1] ?? m[2])!;
    ips.set(ip, (ips.get(ip) ?? 0) + 1);
    const net = ip.includes(':')
      ? `${ip.split('::')[0]}::/64`
      : bits === 24 ? `${ip.split('.').slice(0, 3).join('.')}.0/24` : `${ip.split('.').slice(0, 2).join('.')}.0.0/16`;
    nets.set(net, (nets.get(net) ?? 0) + 1);
    const day = `2026-11-${line.slice(4, 6)}`;
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
  return {
    lines, matched,
    ips: sorted(ips).map((r: Row) => ({ ip: r.key, count: r.count })),
    subnets: sorted(nets).map((r: Row) => ({ subnet: r.key, count: r.count })),
    days: [...days].sort().map(([day, count]) => ({ day, count })),
  };
}

function gzip(path: string): void {
  const r = spawnSync('gzip', ['-f', path]);
  if (r.status !== 0) throw new Error(`gzip: ${r.stderr}`);
}

// auth.log (today), auth.log.1 (plain), auth.log.2.gz .. auth.log.4.gz, as logrotate leaves them.
function rotatedSet(): { dir: string; all: string } {
  const dir = tempDir();
  const rnd = random(20261121);
  const files = MONTH_DAYS.map((d, i) => ({ text: dayOfLog(rnd, d, 400 + i * 37), name: ['auth.log.4', 'auth.log.3', 'auth.log.2', 'auth.log.1', 'auth.log'][i]! }));
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  for (const f of files.slice(0, 3)) gzip(join(dir, f.name));
  return { dir, all: files.map((f) => f.text).join('') };
}

const NOW = '2026-11-21T23:00:00Z';

describe('logban stats over current and rotated logs, plain and gzip', () => {
  it('counts per IP, /24 subnet and day equal an independent count', () => {
    const { dir, all } = rotatedSet();
    const r = runCli(['stats', '--json', '--now', NOW, join(dir, 'auth.log*')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const want = expected(all, 24);
    expect(want.matched).toBeGreaterThan(500);
    expect(JSON.parse(r.stdout)).toEqual(want);
  });

  it('/16 subnets, files given one by one', () => {
    const { dir, all } = rotatedSet();
    const names = ['auth.log', 'auth.log.1', 'auth.log.2.gz', 'auth.log.3.gz', 'auth.log.4.gz'].map((n) => join(dir, n));
    const r = runCli(['stats', '--json', '--subnet', '16', '--rule', 'sshd', '--now', NOW, ...names]);
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout);
    const want = expected(all, 16);
    expect(got.subnets).toEqual(want.subnets);
    expect(got.subnets.map((s: { subnet: string }) => s.subnet)).toContain('203.0.0.0/16');
  });

  it('the text view shows the top N (default 10) and per day with --by day, without escape codes', () => {
    const { dir, all } = rotatedSet();
    const want = expected(all, 24);
    const r = runCli(['stats', '--top', '3', '--by', 'day', '--now', NOW, join(dir, 'auth.log*')], { env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b/);
    expect(r.stderr).toBe('');
    const top = want.ips.slice(0, 3).map((x) => `  ${String(x.count).padStart(5)}  ${x.ip}`).join('\n');
    expect(r.stdout).toContain(`Top 3 IPs (${want.ips.length - 3} more not shown):\n${top}\n`);
    for (const d of want.days) expect(r.stdout).toContain(`  ${String(d.count).padStart(5)}  ${d.day}\n`);
    expect(r.stdout.split('\n')[0]).toBe(`logban stats: ${want.matched} matched lines of ${want.lines} in 5 files (rule sshd), ${want.ips.length} IPs`);
  });

  it('bad options and missing files are usage errors naming what is wrong', () => {
    const dir = tempDir();
    expect(runCli(['stats', '--subnet', '8', join(dir, 'x')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--subnet 8') });
    expect(runCli(['stats', '--by', 'week', join(dir, 'x')])).toMatchObject({ code: 2, stderr: expect.stringContaining('--by week') });
    expect(runCli(['stats', join(dir, 'none.log')])).toMatchObject({ code: 2, stderr: expect.stringContaining('none.log not found') });
  });
});

import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { BIN, makeSandbox, runCli } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const config = (bantime = '1h', extra = '') => sshdJailConfig({ bantime, extra });
const NOW = '2026-11-21T09:45:00Z';
const ESC = /\u001b/;

function failures(ip: string, n: number, user = 'root'): string {
  let out = '';
  for (let i = 0; i < n; i++) out += `Nov 21 09:40:${String(i * 5).padStart(2, '0')} web1 sshd[${100 + i}]: Failed password for invalid user ${user} from ${ip} port ${40000 + i} ssh2\n`;
  return out;
}

describe('the scan report cron mails', () => {
  it('piped: plain text with a subject line, IP, jail, count, times, ban end and the last 5 evidence lines', () => {
    const sb = makeSandbox(config());
    sb.append('auth.log', failures('203.0.113.9', 8));
    const r = runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env: { NO_COLOR: '', FORCE_COLOR: '3' } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ESC);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`logban on ${hostname()}: 1 IP banned, 0 unbanned`);
    expect(r.stdout).toContain([
      'Banned (times in UTC):',
      '  203.0.113.9  jail sshd  8 failures',
      '    first seen  2026-11-21 09:40:00 +0000',
      '    last seen   2026-11-21 09:40:35 +0000',
      '    ban ends    2026-11-21 10:45:00 +0000',
      '    evidence (last 5 of 8):',
      ...failures('203.0.113.9', 8).trim().split('\n').slice(3).map((l) => `      ${l}`),
    ].join('\n'));
    expect(r.stdout).toContain('\n1 ban active.\n');
    expect(r.stdout).not.toContain('iptables');
  });

  it('times are local to TZ, with the offset; a permanent ban says so', () => {
    const sb = makeSandbox(config('permanent'));
    sb.append('auth.log', '2026-11-21T09:40:00+00:00 web1 sshd[1]: Failed password for root from 2001:db8::9 port 22 ssh2\n'.repeat(3));
    const r = runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env: { TZ: 'Asia/Tokyo' } });
    expect(r.stdout).toContain('Banned (times in Asia/Tokyo):\n  2001:db8::/64  jail sshd  3 failures\n    first seen  2026-11-21 18:40:00 +0900\n');
    expect(r.stdout).toContain('    ban ends    permanent\n    addresses   2001:db8::9\n');
  });

  it('attacker text in the evidence is shown with its control characters escaped', () => {
    const sb = makeSandbox(config());
    sb.append('auth.log', failures('198.51.100.4', 3, 'ad\u001b[2Jmin\u202etoor\u0007'));
    const r = sb.scan(NOW);
    expect(r.stdout).not.toMatch(/[\u001b\u202e\u0007]/);
    expect(r.stdout).toContain('invalid user ad\\x1b[2Jmin\\u202etoor\\x07 from 198.51.100.4 port 40002 ssh2');
  });

  it('unbans carry their reason; warnings (a log that is missing) are counted in the subject', () => {
    const sb = makeSandbox(config('1h', '[jails.web]\nlogpath = ["$DIR/missing/access.log"]\nfailregex = [\'^<HOST> -\']\n'));
    sb.append('auth.log', failures('203.0.113.9', 3));
    expect(sb.scan(NOW).code).toBe(0);
    const r = sb.scan('2026-11-21T11:00:00Z');
    expect(r.stdout.split('\n')[0]).toBe(`logban on ${hostname()}: 0 IPs banned, 1 unbanned, 1 warning`);
    expect(r.stdout).toContain('Unbanned:\n  203.0.113.9  jail sshd  (expired)\n');
    expect(r.stdout).toContain(`\nwarning: jail web: no log file found (${sb.path('missing/access.log')})\n`);
  });

  it('on a terminal the report is coloured, unless NO_COLOR is set', () => {
    const sb = makeSandbox(config());
    sb.append('auth.log', failures('203.0.113.9', 3));
    const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const cmd = [process.execPath, BIN, 'scan', '--dry-run', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW].map(quote).join(' ');
    // script(1) gives the command a pseudo-terminal as stdout, as an admin's shell would.
    const onTty = (env: Record<string, string>) => spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', ...env } }).stdout;
    const coloured = onTty({ FORCE_COLOR: '', NO_COLOR: '' });
    expect(coloured).toContain('203.0.113.9');
    expect(coloured).toMatch(ESC);
    const plain = onTty({ NO_COLOR: '1' });
    expect(plain).toContain('203.0.113.9');
    expect(plain).not.toMatch(ESC);
  });
});

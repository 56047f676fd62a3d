import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli, sshdFailure, tempDir } from '../helpers/cli.js';
import { ROOT } from '../helpers/cli.js';
import { savedState } from '../helpers/saved-state.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const CONFIG = sshdJailConfig({ port: true });
const NOW = '2026-11-21T09:45:00Z';
const ATTACKER = '203.0.113.9';

// A PATH holding only a fake whois (or nothing at all when body is undefined): the script names
// every other command by its full path.
function pathWith(body?: string): string {
  const dir = tempDir('logban-path-');
  if (body !== undefined) {
    writeFileSync(join(dir, 'whois'), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, 'whois'), 0o755);
  }
  return dir;
}

function bannedSandbox(config = CONFIG, env: Record<string, string> = {}) {
  const sb = makeSandbox(config);
  sb.append('auth.log', sshdFailure('09:40:00', ATTACKER) + sshdFailure('09:40:10', ATTACKER) + sshdFailure('09:40:20', ATTACKER));
  sb.append('auth.log', `Nov 21 09:40:21 web1 sshd[1234]: Connection closed by authenticating user root ${ATTACKER} port 5555 [preauth]\n`);
  sb.append('auth.log', sshdFailure('09:40:30', '203.0.113.90'));
  const scan = runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env });
  expect(scan.code).toBe(0);
  const report = (args: readonly string[], env: Record<string, string> = {}) =>
    runCli(['report', ...args, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env });
  return { sb, scan, report };
}

describe('logban report <ip>', () => {
  it('an address inside a banned block: the block\'s ban, named as the block', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c'].map((ip, i) => sshdFailure(`09:40:0${i}`, ip)).join(''));
    expect(runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]).code).toBe(0);
    const r = runCli(['report', '2001:db8:1:2::b', '--json', '--no-whois', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env: { PATH: pathWith() } });
    expect((JSON.parse(r.stdout) as { bans: { jail: string; block?: string; failures: number }[] }).bans).toEqual([
      expect.objectContaining({ jail: 'sshd', block: '2001:db8:1:2::/64', failures: 3 }),
    ]);
    const text = runCli(['report', '2001:db8:1:2::b', '--no-whois', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env: { PATH: pathWith() } }).stdout;
    expect(text).toMatch(/jail sshd: banned as part of 2001:db8:1:2::\/64 .* after 3 failures of the block \(in force\)/);
    // An address of another /64 is not banned.
    const other = runCli(['report', '2001:db8:1:3::b', '--no-whois', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], { env: { PATH: pathWith() } }).stdout;
    expect(other).toContain('  not banned');
  });

  it('with no whois command: the evidence, times, attempts and ban, and network unknown', () => {
    const { report } = bannedSandbox();
    const r = report([ATTACKER], { PATH: pathWith() });
    expect(r.code).toBe(0);
    const text = r.stdout;
    expect(text.split('\n')[0]).toBe(`Incident report: ${ATTACKER}`);
    expect(text).toContain(`Source IP:      ${ATTACKER}\n`);
    expect(text).toContain('Network:        unknown\n');
    expect(text).toContain('Service:        sshd (jail sshd, port ssh)\n');
    expect(text).toContain('First seen:     2026-11-21 09:40:00 +0000\n');
    expect(text).toContain('Last seen:      2026-11-21 09:40:20 +0000\n');
    expect(text).toContain('Attempts:       3\n');
    expect(text).toContain('jail sshd: banned 2026-11-21 09:45:00 +0000 until 2026-11-21 10:45:00 +0000 after 3 failures (in force)');
    for (const t of ['09:40:00', '09:40:10', '09:40:20']) expect(text).toContain(`    ${sshdFailure(t, ATTACKER).trim()}\n`);
    expect(text).toContain('Connection closed by authenticating user root 203.0.113.9 port 5555');
    expect(text).not.toContain('203.0.113.90');
  });

  it('a whois that hangs: the report still completes and says unknown', () => {
    const { report } = bannedSandbox();
    const r = report([ATTACKER], { PATH: pathWith('sleep 60') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Network:        unknown\n');
    expect(r.stdout).toContain(sshdFailure('09:40:20', ATTACKER).trim());
  });

  it('times in the reader\'s time zone, with the offset', () => {
    const { report } = bannedSandbox();
    const r = report([ATTACKER, '--no-whois'], { TZ: 'Asia/Tokyo' });
    expect(r.stdout).toContain('(times in Asia/Tokyo)');
    expect(r.stdout).toContain('Network:        not looked up\n');
    expect(r.stdout).toMatch(/Last seen: {6}2026-11-21 \d\d:40:20 \+0900\n/);
  });

  it('whois answers are used and cleaned of control characters', () => {
    const { report } = bannedSandbox();
    const sample = join(ROOT, 'fixtures/whois/jpnic.txt');
    const r = report([ATTACKER], { PATH: pathWith(`printf 'netname: \\033[2J\\033]0;owned\\007EVIL\\342\\200\\256NET\\n'; /bin/cat "${sample}"`) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Network:        JP, EXAMPLE-JP-NET (Example K.K.)\n');
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
  });

  it('--json: the facts as data, evidence as written', () => {
    const { report } = bannedSandbox();
    const r = report([ATTACKER, '--json', '--no-whois']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      ip: ATTACKER, generatedAt: NOW, attempts: 3, firstSeen: '2026-11-21T09:40:00Z', lastSeen: '2026-11-21T09:40:20Z',
      jails: [{ jail: 'sshd', rules: ['sshd'], attempts: 3, pending: 0 }],
      bans: [{ jail: 'sshd', bannedAt: NOW, expiresAt: '2026-11-21T10:45:00Z', failures: 3, active: true }],
      whois: null, whoisSource: 'off', mentions: 4,
    });
    expect(j.evidence.map((e: { line: string }) => e.line)).toContain(sshdFailure('09:40:10', ATTACKER).trim());
  });

  it('after the log is rotated away, the evidence logban kept is reported', () => {
    const { sb, report } = bannedSandbox();
    rmSync(sb.path('auth.log'));
    const r = report([ATTACKER, '--no-whois']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  recorded by logban when counting:\n');
    expect(r.stdout).toContain(sshdFailure('09:40:00', ATTACKER).trim());
    expect(r.stdout).toContain('Attempts:       3\n');
  });

  it('an address that is not an IP is a usage error; an unknown one is an empty report', () => {
    const { report } = bannedSandbox();
    expect(report(['example.com'])).toMatchObject({ code: 2, stderr: expect.stringContaining('"example.com" is not an IP address') });
    const r = report(['2001:DB8::77', '--no-whois']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Incident report: 2001:db8::77\n');
    expect(r.stdout).toContain('  not banned\n');
  });
});

describe('[report] whois = true', () => {
  const WHOIS_CONFIG = sshdJailConfig({ port: true, extra: '[report]\nwhois = true\n' });

  it('the scan mail names the network of each new ban and the answer is kept in the state', () => {
    const dir = pathWith(`echo "$1" >> "\${0%/whois}/asked"; /bin/cat "${join(ROOT, 'fixtures/whois/ripe.txt')}"`);
    const { sb, scan, report } = bannedSandbox(WHOIS_CONFIG, { PATH: dir });
    expect(scan.stdout).toContain('    whois       NL, EXAMPLE-HOSTING-NL (Example Hosting B.V.)\n');
    const state = savedState(sb.stateDir);
    expect(state.whois?.[ATTACKER]).toMatchObject({ country: 'NL', netname: 'EXAMPLE-HOSTING-NL', abuse: 'abuse@example.nl' });
    const r = report([ATTACKER, '--json'], { PATH: pathWith() });
    expect(JSON.parse(r.stdout)).toMatchObject({ whoisSource: 'cache', whois: { country: 'NL' } });
    expect(readFileSync(join(dir, 'asked'), 'utf8')).toBe(`${ATTACKER}\n`);
  });

  it('without a whois command the scan still bans and says unknown', () => {
    const { scan } = bannedSandbox(WHOIS_CONFIG, { PATH: pathWith() });
    expect(scan.stdout).toContain(`  ${ATTACKER}  jail sshd  3 failures\n`);
    expect(scan.stdout).toContain('    whois       unknown\n');
  });

  it('a [report] setting that is not true/false is refused with file:line', () => {
    const text = sshdJailConfig({ port: true, extra: '[report]\nwhois = "yes"\n' });
    const sb = makeSandbox(text);
    mkdirSync(sb.stateDir, { recursive: true });
    const r = sb.scan(NOW);
    expect(r.code).toBe(2);
    const line = text.split('\n').indexOf('whois = "yes"') + 1;
    expect(r.stderr).toBe(`logban: ${sb.config}:${line}: whois must be true or false, not "yes"\n`);
  });
});

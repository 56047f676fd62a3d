import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { savedState } from '../helpers/saved-state.js';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

// Saved bans pass the checks a new ban gets: a state copied from another host, or an ignoreip
// added after the ban, never puts loopback, a link-local router or an allowed address into the firewall.
const CONFIG = `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"
ignoreip = []

[firewall]
backend = "none"

[jails.sshd]
logpath = ["$DIR/auth.log"]
rules = ["sshd"]
ignoreip = ["198.51.100.0/24"]
`;
const NOW = '2026-11-21T09:45:00Z';
const T = Date.parse(NOW) / 1000;

const saved = (ip: string, jail = 'sshd') => ({ ip, jail, bannedAt: T - 60, expiresAt: jail === 'manual' ? null : T + 3600, failures: 3, firstSeen: T - 120, lastSeen: T - 60, evidence: [] });
const BANS = [
  saved('203.0.113.9'),
  saved('127.0.0.1', 'manual'),
  saved('0.0.0.0'),
  saved('255.255.255.255'),
  saved('224.0.0.1'),
  saved('ff02::1', 'manual'),
  saved('fe80::1'),
  saved('169.254.169.254'),
  saved('198.51.100.7'),
  saved('2001:db8::9', 'manual'),
];
const REFUSED = [
  ['127.0.0.1', 'manual', /^refused: 127\.0\.0\.1 is a loopback address/],
  ['0.0.0.0', 'sshd', /^refused: 0\.0\.0\.0 is an unspecified address/],
  ['255.255.255.255', 'sshd', /^refused: 255\.255\.255\.255 is the broadcast address/],
  ['224.0.0.1', 'sshd', /^refused: 224\.0\.0\.1 is a multicast address/],
  ['ff02::1', 'manual', /^refused: ff02::1 is a multicast address/],
  ['fe80::1', 'sshd', /^refused: fe80::1 is a link-local address/],
  ['169.254.169.254', 'sshd', /^refused: 169\.254\.169\.254 is a link-local address/],
  ['198.51.100.7', 'sshd', /^refused: 198\.51\.100\.7 is in ignoreip of jail sshd/],
] as const;
const expectedUnbans = REFUSED.map(([ip, jail, reason]) => ({ ip, jail, reason: expect.stringMatching(reason) }));

function sandboxWithState() {
  const sb = makeSandbox(CONFIG);
  sb.append('auth.log', '');
  mkdirSync(sb.stateDir, { mode: 0o700 });
  writeFileSync(join(sb.stateDir, 'state.json'), JSON.stringify({ version: 1, files: {}, windows: {}, bans: BANS }));
  return sb;
}
const statePath = (sb: { stateDir: string }) => join(sb.stateDir, 'state.json');
const savedIps = (sb: { stateDir: string }) => savedState(sb.stateDir).bans.map((b) => b.ip);
const inCommands = (commands: readonly (readonly string[])[], ip: string) => commands.some((c) => c.some((a) => a === ip || a.startsWith(`${ip}/`) || a.includes(` ${ip} `) || a.endsWith(` ${ip}`)));

describe('saved bans that a new ban would not get', () => {
  it('scan --dry-run --json lists them as unbans with the reason, and no command names them', () => {
    const sb = sandboxWithState();
    const before = readFileSync(statePath(sb), 'utf8');
    const r = sb.json(NOW, '--dry-run');
    expect(r.unbans).toEqual(expectedUnbans);
    expect(r.activeBans).toBe(2);
    for (const [ip] of REFUSED) expect(inCommands(r.commands, ip), ip).toBe(false);
    expect(readFileSync(statePath(sb), 'utf8')).toBe(before);
  });

  it('scan drops them from the state and says so in the text report', () => {
    const sb = sandboxWithState();
    const r = sb.scan(NOW);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^logban on .*: 0 IPs banned, 8 unbanned/);
    expect(r.stdout).toContain('  127.0.0.1  jail manual  (refused: 127.0.0.1 is a loopback address');
    expect(r.stdout).toContain('  198.51.100.7  jail sshd  (refused: 198.51.100.7 is in ignoreip of jail sshd)');
    expect(savedIps(sb)).toEqual(['203.0.113.9', '2001:db8::9']);
    expect(sb.scan(NOW).stdout).toBe('');
  });

  it('restore puts only the others into the firewall, drops the refused ones from the state and reports them', () => {
    const sb = sandboxWithState();
    const args = ['restore', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW];
    const r = runCli([...args, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { activeBans: number; commands: string[][]; unbans: unknown[] };
    expect(out.unbans).toEqual(expectedUnbans);
    expect(out.activeBans).toBe(2);
    expect(inCommands(out.commands, '203.0.113.9')).toBe(true);
    expect(inCommands(out.commands, '2001:db8::9')).toBe(true);
    for (const [ip] of REFUSED) expect(inCommands(out.commands, ip), ip).toBe(false);
    expect(savedIps(sb)).toEqual(['203.0.113.9', '2001:db8::9']);
    const again = runCli([...args, '--json']);
    expect((JSON.parse(again.stdout) as { unbans: unknown[] }).unbans).toEqual([]);
  });

  it('restore text names each dropped ban and its reason', () => {
    const sb = sandboxWithState();
    const r = runCli(['restore', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('logban: dropped the saved ban of fe80::1 in jail sshd (refused: fe80::1 is a link-local address');
  });
});

describe('a manual ban or unban with such saved bans in the state', () => {
  it.each([
    ['ban', ['ban', '203.0.113.77']],
    ['unban', ['unban', '203.0.113.9']],
  ])('%s takes them out of the state, lists them in unbans, and no command names them', (_name, args) => {
    const sb = sandboxWithState();
    const r = runCli([...args, '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { unbans: { ip: string }[]; commands: string[][] };
    expect(out.unbans.filter((u) => u.ip !== '203.0.113.9')).toEqual(expectedUnbans);
    // The do-nothing backend plans from the saved bans, so it takes the refused ones out (-D); none is added.
    const adding = out.commands.filter((c) => !c.includes('-D'));
    for (const [ip] of REFUSED) expect(inCommands(adding, ip), ip).toBe(false);
    expect(inCommands(out.commands, '127.0.0.1')).toBe(true);
    expect(savedIps(sb).filter((ip) => REFUSED.some(([r]) => r === ip))).toEqual([]);
    expect(savedIps(sb)).toContain('2001:db8::9');
  });

  it('the text output names each dropped ban before the ban itself', () => {
    const sb = sandboxWithState();
    const r = runCli(['ban', '203.0.113.77', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(REFUSED.length + 1);
    expect(lines[0]).toMatch(/^logban: dropped the saved ban of 127\.0\.0\.1 in jail manual \(refused: 127\.0\.0\.1 is a loopback address/);
    expect(lines.at(-1)).toBe('logban: banned 203.0.113.77 in jail manual permanently (until logban unban)');
  });
});

describe('logban ban refuses addresses that are never a client', () => {
  it.each([
    ['0.0.0.0', /0\.0\.0\.0 is an unspecified address/],
    ['::', /:: is an unspecified address/],
    ['255.255.255.255', /255\.255\.255\.255 is the broadcast address/],
    ['224.0.0.1', /224\.0\.0\.1 is a multicast address/],
    ['ff02::1', /ff02::1 is a multicast address/],
    ['127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback address/],
    ['::1', /::1 is a loopback address/],
    ['fe80::1', /fe80::1 is a link-local address/],
    ['169.254.1.1', /169\.254\.1\.1 is a link-local address/],
    ['198.51.100.7', /198\.51\.100\.7 is in ignoreip of jail sshd: logban never bans it \(edit ignoreip to change that\)/],
  ])('ban %s: exit 2, one line', (ip, message) => {
    const sb = makeSandbox(CONFIG);
    const r = runCli(['ban', ip, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});

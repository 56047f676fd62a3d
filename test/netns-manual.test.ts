import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootOrSkip, sshdFailure } from './helpers/cli.js';
import { firewallConfig, NOW, restoreVictim, scanVictim, SSH_PORT, useVictim, WEB_PORT, type Backend, type Sandbox } from './helpers/victim.js';
import { cliIn, duplicatedLines, flushFirewall, forgetNeighbours, probe, saveAll } from './helpers/netns.js';

// `logban ban` and `logban unban` go through the state: the next scan keeps a manual ban and does
// not undo a manual unban; real connections show it.
const gate = rootOrSkip();

function manual(ns: string, sb: Sandbox, args: readonly string[], now = NOW) {
  const r = cliIn(ns, sb, [...args, '--json'], now);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function status(ns: string, sb: Sandbox, now = NOW) {
  return JSON.parse(cliIn(ns, sb, ['status', '--json'], now).stdout) as { bans: { ip: string; jail: string; expiresAt: string | null }[]; failures: unknown[] };
}

describe.skipIf(gate.skip).each(['iptables', 'ipset', 'nftables'] as Backend[])(`%s: manual ban and unban (${gate.reason})`, (backend) => {
  const v = useVictim();

  it('ban --jail blocks the jail\'s port until unban; a scan in between keeps it', () => {
    const { victim, attacker, victim4, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend));

    expect(manual(victim, sb, ['ban', attacker4, '--jail', 'sshd'])).toMatchObject({ ip: attacker4, jail: 'sshd', expiresAt: '2026-11-21T10:45:00Z', already: false });
    expect([probe(attacker, victim4, SSH_PORT), probe(attacker, victim4, WEB_PORT)]).toEqual(['timeout', 'ok']);
    expect(status(victim, sb).bans).toEqual([{ ip: attacker4, jail: 'sshd', bannedAt: NOW, expiresAt: '2026-11-21T10:45:00Z' }]);
    expect(manual(victim, sb, ['ban', attacker4, '--jail', 'sshd'])).toMatchObject({ already: true, commands: [] });

    const scan = scanVictim(victim, sb, '2026-11-21T09:50:00Z');
    expect(scan.unbans).toEqual([]);
    expect(scan.activeBans).toBe(1);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');

    expect(manual(victim, sb, ['unban', attacker4], '2026-11-21T09:51:00Z')).toMatchObject({ unbans: [{ ip: attacker4, jail: 'sshd', reason: 'manual' }] });
    expect(probe(attacker, victim4, SSH_PORT)).toBe('ok');
    expect(status(victim, sb, '2026-11-21T09:51:00Z').bans).toEqual([]);
    expect(saveAll(victim).filter((l) => l.includes(attacker4))).toEqual([]);
  }, 60_000);

  it('ban without --jail blocks everything from the IP, permanently, and restore brings it back', () => {
    const pair = v.pair();
    const { victim, attacker, victim6, attacker6 } = pair;
    const sb = v.sandbox(firewallConfig(backend));

    expect(manual(victim, sb, ['ban', attacker6.toUpperCase()])).toMatchObject({ ip: attacker6, jail: 'manual', expiresAt: null });
    expect([probe(attacker, victim6, SSH_PORT), probe(attacker, victim6, WEB_PORT)]).toEqual(['timeout', 'timeout']);
    const before = saveAll(victim);

    flushFirewall(victim);
    expect(restoreVictim(victim, sb, '2027-01-01T00:00:00Z').activeBans).toBe(1);
    expect(saveAll(victim)).toEqual(before);
    expect(restoreVictim(victim, sb, '2027-01-01T00:00:00Z').commands).toEqual([]);
    expect(duplicatedLines(saveAll(victim))).toEqual([]);
    expect(scanVictim(victim, sb, '2027-01-01T00:00:00Z').activeBans).toBe(1);

    manual(victim, sb, ['unban', attacker6, '--jail', 'manual'], '2027-01-01T00:00:00Z');
    expect(saveAll(victim).filter((l) => l.includes(attacker6))).toEqual([]);
    forgetNeighbours(pair);
    expect([probe(attacker, victim6, SSH_PORT), probe(attacker, victim6, WEB_PORT)]).toEqual(['ok', 'ok']);
  }, 60_000);
});

describe.skipIf(gate.skip)(`unban forgets pending failures; refusals (${gate.reason})`, () => {
  const v = useVictim();

  it('after an unban the next scan does not ban again from failures counted before it', () => {
    const { victim, attacker4 } = v.pair();
    const other = '198.51.100.20';
    const sb = v.sandbox(firewallConfig('iptables'));
    for (const ip of [attacker4, other]) sb.append('auth.log', sshdFailure('09:41:02', ip) + sshdFailure('09:41:05', ip));
    expect(scanVictim(victim, sb, NOW).newBans).toEqual([]);
    expect(status(victim, sb).failures).toHaveLength(2);

    manual(victim, sb, ['unban', attacker4]);
    expect(status(victim, sb).failures).toEqual([{ jail: 'sshd', ip: other, count: 2 }]);

    for (const ip of [attacker4, other]) sb.append('auth.log', sshdFailure('09:46:00', ip));
    // The IP that was not unbanned reaches three failures and is banned; the unbanned one has one.
    expect(scanVictim(victim, sb, '2026-11-21T09:47:00Z').newBans.map((b) => b.ip)).toEqual([other]);
  }, 60_000);

  it.each([
    ['an address of this host', ['ban', '192.0.2.1'], /192\.0\.2\.1 is an address of this host/],
    ['an address in ignoreip', ['ban', '198.51.100.77'], /198\.51\.100\.77 is in ignoreip of jail sshd: logban never bans it \(edit ignoreip/],
    ['a loopback address', ['ban', '127.0.0.2'], /127\.0\.0\.2 is a loopback address/],
    ['IPv6 loopback', ['ban', '::1'], /::1 is a loopback address/],
    ['loopback written as a mapped IPv6 address', ['ban', '::ffff:127.0.0.1'], /127\.0\.0\.1 is a loopback address/],
    ['the IPv4 unspecified address', ['ban', '0.0.0.0'], /0\.0\.0\.0 is an unspecified address/],
    ['the IPv6 unspecified address', ['ban', '::'], /:: is an unspecified address/],
    ['the broadcast address', ['ban', '255.255.255.255'], /255\.255\.255\.255 is the broadcast address/],
    ['an IPv4 multicast address', ['ban', '224.0.0.1'], /224\.0\.0\.1 is a multicast address/],
    ['an IPv6 multicast address', ['ban', 'ff02::1'], /ff02::1 is a multicast address/],
    ['an IPv6 link-local address', ['ban', 'fe80::1', '--jail', 'sshd'], /fe80::1 is a link-local address/],
    ['an IPv4 link-local address', ['ban', '169.254.169.254'], /169\.254\.169\.254 is a link-local address/],
    ['an unknown jail', ['ban', '203.0.113.9', '--jail', 'nosuch'], /unknown jail "nosuch" \(configured: sshd, web, manual\)/],
    ['unban in an unknown jail', ['unban', '203.0.113.9', '--jail', 'nosuch'], /unknown jail "nosuch"/],
    ['a string that is not an IP', ['ban', '203.0.113.256'], /"203\.0\.113\.256" is not an IP address/],
    ['a shell injection attempt', ['ban', '1.2.3.4;reboot'], /is not an IP address/],
    ['a block holding this host\'s address', ['ban', '192.0.2.0/24'], /^logban: 192\.0\.2\.0\/24 contains 192\.0\.2\.1: 192\.0\.2\.1 is an address of this host: logban never bans it \(ban a narrower block\)$/],
    ['a block holding an address in ignoreip', ['ban', '198.51.100.0/25'], /198\.51\.100\.0\/25 contains 198\.51\.100\.77: 198\.51\.100\.77 is in ignoreip of jail sshd/],
    ['a block inside loopback', ['ban', '127.0.0.0/16'], /127\.0\.0\.0\/16 lies inside 127\.0\.0\.0\/8: .*loopback/],
    ['every address', ['ban', '::/0'], /::\/0 contains ::: .*unspecified/],
    ['a block too long for its family', ['ban', '203.0.113.0/33'], /"203\.0\.113\.0\/33" is not an IP address or CIDR block/],
  ])('refuses %s with exit 2, one line, and changes nothing', (_name, args, message) => {
    const { victim } = v.pair();
    const sb = v.sandbox(firewallConfig('iptables', { sshd: 'ignoreip = ["198.51.100.77"]' }));
    const before = saveAll(victim);
    const r = cliIn(victim, sb, args, NOW);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(saveAll(victim)).toEqual(before);
    expect(existsSync(join(sb.stateDir, 'state.json'))).toBe(false);
  }, 30_000);
});

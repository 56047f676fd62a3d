import { describe, expect, it } from 'vitest';
import { rootOrSkip, sshdFailure } from './helpers/cli.js';
import { addAttackerAddresses, cliIn, forgetNeighbours, nsExec, probe, saveAll, IP_BIN } from './helpers/netns.js';
import { firewallConfig, NOW, scanVictim, SSH_PORT, threeFailures, useVictim, WEB_PORT, type Backend } from './helpers/victim.js';

// Network bans with real traffic: an IPv6 attacker that walks its /64 is counted and banned as
// the /64, so a fresh address of it cannot connect while another /64 can; ipv6_prefix = 128 counts
// per address again; a /64 that holds the host's own address is never banned whole; `ban` and
// `unban` take CIDR blocks. Each backend.
const gate = rootOrSkip();
const BACKENDS: readonly Backend[] = ['iptables', 'ipset', 'nftables'];

const WALKER = ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c'];
const FRESH = '2001:db8:1:2::d';
const OTHER = '2001:db8:1:3::a';
// One failure from each address: below maxretry (3) alone, at it together.
const walk = (ips: readonly string[]) => ips.map((ip, i) => sshdFailure(`09:41:0${i}`, ip)).join('');

describe.skipIf(gate.skip)(`prefix bans (${gate.reason})`, () => {
  const v = useVictim();

  describe.each(BACKENDS)('%s', (backend) => {
    it('three addresses of one /64 are banned as the /64: a fresh address of it cannot connect, another /64 can', () => {
      const pair = v.pair();
      addAttackerAddresses(pair, '2001:db8:1::/48', [...WALKER, FRESH, OTHER]);
      forgetNeighbours(pair);
      const sb = v.sandbox(firewallConfig(backend, { perPrefix: true }));
      sb.append('auth.log', walk(WALKER));
      const r = scanVictim(pair.victim, sb, NOW);
      expect(r.newBans.map((b) => [b.ip, b.jail, b.failures, b.addresses])).toEqual([['2001:db8:1:2::/64', 'sshd', 3, WALKER]]);
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, FRESH)).toBe('timeout');
      expect(probe(pair.attacker, pair.victim6, WEB_PORT, FRESH)).toBe('ok');
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, OTHER)).toBe('ok');
      // status shows the block and who was seen in it.
      const status = JSON.parse(cliIn(pair.victim, sb, ['status', '--json'], NOW).stdout) as { bans: { ip: string; addresses?: string[] }[] };
      expect(status.bans).toEqual([expect.objectContaining({ ip: '2001:db8:1:2::/64', addresses: WALKER })]);
      // The next run with nothing new keeps the block in place.
      expect(scanVictim(pair.victim, sb, '2026-11-21T09:47:00Z').newBans).toEqual([]);
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, FRESH)).toBe('timeout');
    }, 60_000);

    it('ipv6_prefix = 128 counts and bans each address alone', () => {
      const pair = v.pair();
      addAttackerAddresses(pair, '2001:db8:1::/48', [...WALKER, FRESH]);
      forgetNeighbours(pair);
      const sb = v.sandbox(firewallConfig(backend, { perPrefix: true, sshd: 'ipv6_prefix = 128' }));
      sb.append('auth.log', walk(WALKER));
      expect(scanVictim(pair.victim, sb, NOW).newBans).toEqual([]);
      sb.append('auth.log', walk([WALKER[0]!, WALKER[0]!]));
      expect(scanVictim(pair.victim, sb, '2026-11-21T09:42:00Z').newBans.map((b) => [b.ip, b.addresses])).toEqual([[WALKER[0], undefined]]);
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, WALKER[0])).toBe('timeout');
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, FRESH)).toBe('ok');
    }, 60_000);

    it('a /64 holding the host\'s own address is never banned whole: the block is cut beside it and the report says why', () => {
      const pair = v.pair();
      nsExec(pair.victim, [IP_BIN, '-6', 'addr', 'replace', '2001:db8:5:5::1/128', 'dev', 'lbv0', 'nodad']);
      nsExec(pair.attacker, [IP_BIN, '-6', 'route', 'replace', '2001:db8:5:5::1/128', 'dev', 'lba0']);
      const near = ['2001:db8:5:5::a0', '2001:db8:5:5::a1', '2001:db8:5:5::a2'];
      addAttackerAddresses(pair, '2001:db8:5::/48', [...near, '2001:db8:5:5::ff', '2001:db8:5:5::2']);
      forgetNeighbours(pair);
      try {
        const sb = v.sandbox(firewallConfig(backend, { perPrefix: true }));
        sb.append('auth.log', walk(near));
        const json = scanVictim(pair.victim, sb, NOW);
        expect(json.newBans.map((b) => [b.ip, b.narrowed])).toEqual([
          ['2001:db8:5:5::80/121', 'cut from 2001:db8:5:5::/64: 2001:db8:5:5::1 is an address of this host'],
        ]);
        expect(saveAll(pair.victim).some((l) => l.includes('2001:db8:5:5::/64'))).toBe(false);
        expect(probe(pair.attacker, '2001:db8:5:5::1', SSH_PORT, '2001:db8:5:5::ff')).toBe('timeout');
        expect(probe(pair.attacker, '2001:db8:5:5::1', SSH_PORT, '2001:db8:5:5::2')).toBe('ok');
        // The text report, as cron mails it, names the address in the way.
        // ::4 to ::7 share 125 bits with ::1: their block is ::4/126.
        sb.append('auth.log', walk(['2001:db8:5:5::4', '2001:db8:5:5::5', '2001:db8:5:5::6']));
        const text = cliIn(pair.victim, sb, ['scan'], '2026-11-21T09:42:00Z').stdout;
        expect(text).toContain('  2001:db8:5:5::4/126  jail sshd  3 failures');
        expect(text).toContain('    narrowed    cut from 2001:db8:5:5::/64: 2001:db8:5:5::1 is an address of this host');
        expect(text).toContain('    addresses   2001:db8:5:5::4, 2001:db8:5:5::5, 2001:db8:5:5::6');
      } finally {
        nsExec(pair.victim, [IP_BIN, '-6', 'addr', 'del', '2001:db8:5:5::1/128', 'dev', 'lbv0']);
      }
    }, 60_000);

    it('ban and unban take CIDR blocks; unban of an address inside a banned block lifts the block and names it', () => {
      const pair = v.pair();
      addAttackerAddresses(pair, '203.0.113.0/24', ['203.0.113.13']);
      addAttackerAddresses(pair, '2001:db8:1::/48', [FRESH]);
      forgetNeighbours(pair);
      const sb = v.sandbox(firewallConfig(backend, { perPrefix: true }));
      const banned = cliIn(pair.victim, sb, ['ban', '203.0.113.77/24'], NOW);
      expect(banned.stdout).toBe('logban: banned 203.0.113.0/24 in jail manual permanently (until logban unban)\n');
      expect(probe(pair.attacker, pair.victim4, WEB_PORT, '203.0.113.13')).toBe('timeout');
      expect(probe(pair.attacker, pair.victim4, WEB_PORT)).toBe('ok');
      expect(cliIn(pair.victim, sb, ['ban', '2001:db8:1:2::/64', '--jail', 'sshd'], NOW).code).toBe(0);
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, FRESH)).toBe('timeout');
      // A block holding the host's own address is refused, with the address in the way.
      const wide = cliIn(pair.victim, sb, ['ban', '2001:db8::/32'], NOW);
      expect([wide.code, wide.stderr]).toEqual([2, 'logban: 2001:db8::/32 contains 2001:db8::1: 2001:db8::1 is an address of this host: logban never bans it (ban a narrower block)\n']);
      const lifted = cliIn(pair.victim, sb, ['unban', '203.0.113.13'], NOW);
      expect(lifted.stdout).toBe('logban: unbanned 203.0.113.0/24 (jail manual), which held 203.0.113.13\n');
      expect(probe(pair.attacker, pair.victim4, WEB_PORT, '203.0.113.13')).toBe('ok');
      expect(cliIn(pair.victim, sb, ['unban', '2001:db8:1:2::/64'], NOW).stdout).toBe('logban: unbanned 2001:db8:1:2::/64 (jail sshd)\n');
      forgetNeighbours(pair);
      expect(probe(pair.attacker, pair.victim6, SSH_PORT, FRESH)).toBe('ok');
    }, 60_000);

    it('subnet_maxbans = 3: the third banned address of 203.0.113.0/24 bans the /24, a fresh address of it is blocked, unban lifts it', () => {
      const pair = v.pair();
      const members = ['203.0.113.10', '203.0.113.11', '203.0.113.12'];
      addAttackerAddresses(pair, '203.0.113.0/24', [...members, '203.0.113.13']);
      const sb = v.sandbox(firewallConfig(backend, { sshd: 'subnet_maxbans = 3' }));
      sb.append('auth.log', members.slice(0, 2).map((ip) => threeFailures(ip)).join(''));
      expect(scanVictim(pair.victim, sb, NOW).newBans.map((b) => b.ip)).toEqual(members.slice(0, 2));
      expect(probe(pair.attacker, pair.victim4, SSH_PORT, '203.0.113.13')).toBe('ok');
      sb.append('auth.log', ['09:45:10', '09:45:11', '09:45:12'].map((t) => sshdFailure(t, members[2]!)).join(''));
      const r = scanVictim(pair.victim, sb, '2026-11-21T09:46:00Z');
      expect(r.newBans.map((b) => [b.ip, b.failures, b.addresses])).toEqual([['203.0.113.0/24', 9, members]]);
      expect(r.unbans).toEqual(members.slice(0, 2).map((ip) => ({ ip, jail: 'sshd', reason: 'folded into 203.0.113.0/24' })));
      expect(probe(pair.attacker, pair.victim4, SSH_PORT, '203.0.113.13')).toBe('timeout');
      expect(probe(pair.attacker, pair.victim4, WEB_PORT, '203.0.113.13')).toBe('ok');
      expect(probe(pair.attacker, pair.victim4, SSH_PORT)).toBe('ok');
      // Only the subnet is in the firewall: its members' entries went with the fold.
      expect(saveAll(pair.victim).filter((l) => /203\.0\.113\.1[0-2]\b/.test(l))).toEqual([]);
      expect(cliIn(pair.victim, sb, ['unban', '203.0.113.0/24'], '2026-11-21T09:47:00Z').stdout).toBe('logban: unbanned 203.0.113.0/24 (jail sshd)\n');
      expect(probe(pair.attacker, pair.victim4, SSH_PORT, '203.0.113.13')).toBe('ok');
    }, 60_000);

    it('[recidive]: the third ban of an address in a day bans it on every port for a week; unban lifts it everywhere', () => {
      const pair = v.pair();
      const sb = v.sandbox(`${firewallConfig(backend)}\n[recidive]\nfindtime = "1d"\nmaxretry = 3\nbantime = "1w"\n`);
      const at = (hour: string) => ['41:02', '41:05', '41:09'].map((m) => sshdFailure(`${hour}:${m}`, pair.attacker4)).join('');
      sb.append('auth.log', at('09'));
      expect(scanVictim(pair.victim, sb, NOW).newBans.map((b) => b.jail)).toEqual(['sshd']);
      expect(probe(pair.attacker, pair.victim4, WEB_PORT)).toBe('ok');
      sb.append('auth.log', at('11'));
      expect(scanVictim(pair.victim, sb, '2026-11-21T11:45:00Z').newBans.map((b) => b.jail)).toEqual(['sshd']);
      sb.append('auth.log', at('13'));
      const third = scanVictim(pair.victim, sb, '2026-11-21T13:45:00Z');
      expect(third.newBans.map((b) => [b.ip, b.jail, b.failures, b.expiresAt])).toEqual([
        [pair.attacker4, 'sshd', 3, '2026-11-21T14:45:00Z'], [pair.attacker4, 'recidive', 3, '2026-11-28T13:45:00Z'],
      ]);
      expect(probe(pair.attacker, pair.victim4, WEB_PORT)).toBe('timeout');
      expect(probe(pair.attacker, pair.victim4, SSH_PORT)).toBe('timeout');
      expect(probe(pair.attacker, pair.victim6, WEB_PORT)).toBe('ok');
      // The sshd ban ends after its hour; the recidive ban holds.
      expect(scanVictim(pair.victim, sb, '2026-11-21T15:00:00Z').unbans).toEqual([{ ip: pair.attacker4, jail: 'sshd', reason: 'expired' }]);
      expect(probe(pair.attacker, pair.victim4, WEB_PORT)).toBe('timeout');
      const status = JSON.parse(cliIn(pair.victim, sb, ['status', '--json'], '2026-11-21T15:00:00Z').stdout) as { bans: { ip: string; jail: string }[] };
      expect(status.bans.map((b) => [b.ip, b.jail])).toEqual([[pair.attacker4, 'recidive']]);
      expect(cliIn(pair.victim, sb, ['unban', pair.attacker4], '2026-11-21T15:00:00Z').stdout).toBe(`logban: unbanned ${pair.attacker4} (jail recidive)\n`);
      expect(probe(pair.attacker, pair.victim4, WEB_PORT)).toBe('ok');
    }, 60_000);
  });
});

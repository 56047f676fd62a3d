import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from '../../src/core/decide.js';
import {
  admitBans, capacityOf, capacityWarnings, countBans, fullBanLine, fullLine, hasRoom, IPTABLES_WARN, SET_CAPACITY,
} from '../../src/core/jail-capacity.js';
import { EMPTY_STATE, type Ban } from '../../src/core/state.js';

// n distinct IPv4 addresses from 10.0.0.0/8 (not client fixtures: only counted, never sent anywhere).
const ipv4s = (n: number, from = 0) => Array.from({ length: n }, (_, k) => { const i = from + k; return `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`; });
const bansOf = (jail: string, ips: readonly string[]) => ips.map((ip) => ({ ip, jail }));

describe('jail capacity', () => {
  it.each([['ipset', SET_CAPACITY], ['nftables', SET_CAPACITY], ['iptables', null], ['none', null]] as const)('backend %s holds %s per jail and family', (backend, cap) => {
    expect(capacityOf(backend)).toBe(cap);
  });

  it('counts bans per jail and family', () => {
    expect(countBans([...bansOf('sshd', ['203.0.113.1', '2001:db8::1', '203.0.113.2']), ...bansOf('web', ['203.0.113.1'])])).toEqual([
      { jail: 'sshd', family: 4, count: 2 }, { jail: 'sshd', family: 6, count: 1 }, { jail: 'web', family: 4, count: 1 },
    ]);
  });

  it.each([
    { name: '1,000 IPv4 bans: no warning', v4: IPTABLES_WARN, v6: 0, lines: [] },
    { name: '1,001 IPv4 bans: one line naming ipset and nftables', v4: IPTABLES_WARN + 1, v6: 0,
      lines: ['jail sshd: 1,001 IPv4 bans on backend = "iptables", one rule per ban that every packet walks; above 1,000 use backend = "ipset" or "nftables", where a ban is one hash lookup'] },
    { name: 'both families over: still one line for the jail', v4: 1500, v6: 1200, lines: [expect.stringMatching(/^jail sshd: 1,500 IPv4 and 1,200 IPv6 bans on backend = "iptables"/)] },
    { name: '900 of each family: each chain is short, no warning', v4: 900, v6: 900, lines: [] },
  ])('iptables: $name', ({ v4, v6, lines }) => {
    const v6ips = Array.from({ length: v6 }, (_, i) => `2001:db8::${i.toString(16)}`);
    expect(capacityWarnings('iptables', bansOf('sshd', [...ipv4s(v4), ...v6ips]))).toEqual(lines);
  });

  it('the iptables warning is one line per jail, and never for set backends below their limit', () => {
    const bans = [...bansOf('sshd', ipv4s(1001)), ...bansOf('web', ipv4s(1001)), ...bansOf('small', ipv4s(10))];
    expect(capacityWarnings('iptables', bans).map((l) => l.split(':')[0])).toEqual(['jail sshd', 'jail web']);
    expect(capacityWarnings('ipset', bans)).toEqual([]);
    expect(capacityWarnings('none', bans)).toEqual([]);
  });

  it('a set backend warns about a full jail and about a state over the limit, naming the limit and the fix', () => {
    const full = bansOf('sshd', ipv4s(SET_CAPACITY));
    expect(capacityWarnings('ipset', full)).toEqual([
      'jail sshd is full: 262,144 IPv4 bans, the 262,144 one jail holds per address family with backend = "ipset"; new bans there wait for room: shorten bantime or split the jail',
    ]);
    expect(capacityWarnings('nftables', [...full, ...bansOf('sshd', ipv4s(5, SET_CAPACITY))])).toEqual([
      'jail sshd: 262,149 IPv4 bans saved, more than the 262,144 one jail holds per address family with backend = "nftables": 5 of them are not in the firewall; shorten bantime or split the jail',
    ]);
  });

  it('admits candidates in order while the jail and family have room; a refused one takes no slot of the run\'s cap', () => {
    const kept = bansOf('sshd', ipv4s(3));
    const cand = (ip: string, jail = 'sshd') => ({ ban: { ip, jail } });
    const list = [cand('203.0.113.1'), cand('203.0.113.2'), cand('2001:db8::1'), cand('203.0.113.3', 'web'), cand('203.0.113.4', 'web')];
    const r = admitBans(list, kept, 4, 3);
    expect(r.admitted.map((c) => c.ban.ip)).toEqual(['203.0.113.1', '2001:db8::1', '203.0.113.3']);
    expect(r.refused.map((c) => c.ban.ip)).toEqual(['203.0.113.2']);
    expect(r.deferred.map((c) => c.ban.ip)).toEqual(['203.0.113.4']);
    expect(r.full).toEqual([{ jail: 'sshd', family: 4, refused: 1 }]);
    expect(admitBans(list, kept, null, 10).admitted).toHaveLength(5);
  });

  it('a full jail\'s lines name the jail, the family, the limit and the fix', () => {
    expect(fullLine({ jail: 'sshd', family: 6, refused: 2 }, 'ipset')).toBe(
      'jail sshd: 2 IP(s) over the threshold not banned: its IPv6 set is full (262,144 bans, the most one jail holds per address family with backend = "ipset"); shorten bantime or split the jail');
    expect(fullBanLine('203.0.113.9', 'manual', 'nftables')).toBe(
      '203.0.113.9 not banned: jail manual is full (262,144 IPv4 bans, the most one jail holds per address family with backend = "nftables"); shorten bantime, split the jail or unban some');
  });

  it('has room for one more ban below the limit, in another family or another jail, or without a limit', () => {
    const bans = bansOf('sshd', ipv4s(3));
    expect(hasRoom(bans, '203.0.113.9', 'sshd', 3)).toBe(false);
    expect(hasRoom(bans, '203.0.113.9', 'sshd', 4)).toBe(true);
    expect(hasRoom(bans, '2001:db8::9', 'sshd', 3)).toBe(true);
    expect(hasRoom(bans, '203.0.113.9', 'web', 3)).toBe(true);
    expect(hasRoom(bans, '203.0.113.9', 'sshd', null)).toBe(true);
  });
});

describe('decide with a capacity', () => {
  const sshd = { name: 'sshd', findtime: 600, maxretry: 3, bantime: 3600 };
  const saved = (ip: string): Ban => ({ ip, jail: 'sshd', bannedAt: 0, expiresAt: null, failures: 3, firstSeen: 0, lastSeen: 0, evidence: [] });
  const failures = (ips: readonly string[]) => new Map([['sshd', new Map(ips.map((ip, i) => [ip, { times: [900, 901, 902 + i], evidence: [`line ${ip}`] }]))]]);
  const input = (over: Partial<DecideInput>): DecideInput => ({
    now: 1000, jails: [sshd], state: EMPTY_STATE, incoming: new Map(), refuse: () => null, maxBans: 100, ...over,
  });

  it('bans what fits, keeps the failures of the rest for a later run, and names the full jail', () => {
    const state = { ...EMPTY_STATE, bans: ipv4s(3).map(saved) };
    const d = decide(input({ state, capacity: 4, incoming: failures(['203.0.113.1', '203.0.113.2', '2001:db8::1']) }));
    // The most recent attacker first: 2001:db8::1 (other family, room), 203.0.113.2 (the last slot), 203.0.113.1 refused.
    expect(d.newBans.map((b) => b.ip)).toEqual(['2001:db8::1', '203.0.113.2']);
    expect(d.full).toEqual([{ jail: 'sshd', family: 4, refused: 1 }]);
    expect(d.windows['sshd']!['203.0.113.1']!.times).toEqual([900, 901, 902]);
    expect(d.bans).toHaveLength(5);
    expect(d.deferred).toBe(0);
  });

  it('an expired ban makes room in the same run', () => {
    const state = { ...EMPTY_STATE, bans: [...ipv4s(2).map(saved), { ...saved('10.9.9.9'), expiresAt: 1000 }] };
    const d = decide(input({ state, capacity: 3, incoming: failures(['203.0.113.1']) }));
    expect(d.newBans.map((b) => b.ip)).toEqual(['203.0.113.1']);
    expect(d.full).toEqual([]);
  });

  it('without a capacity nothing is refused', () => {
    const state = { ...EMPTY_STATE, bans: ipv4s(3).map(saved) };
    expect(decide(input({ state, incoming: failures(['203.0.113.1']) })).full).toEqual([]);
  });
});

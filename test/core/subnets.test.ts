import { describe, expect, it } from 'vitest';
import { createBanGuard } from '../../src/core/ban-guard.js';
import { decide, type DecideInput } from '../../src/core/decide.js';
import { EMPTY_STATE, type Ban, type State } from '../../src/core/state.js';

// Subnet escalation in decide: bans of distinct addresses of one subnet, close enough in time,
// become one ban of the subnet that takes their place.
const sshd = { name: 'sshd', findtime: 600, maxretry: 3, bantime: 3600, subnet: { maxbans: 3, prefix4: 24, prefix6: 48 } };
const incoming = (entries: Record<string, number[]>) =>
  new Map([['sshd', new Map(Object.entries(entries).map(([ip, times]) => [ip, { times, evidence: times.map((t) => `${ip} at ${t}`) }]))]]);
const input = (over: Partial<DecideInput>): DecideInput => ({
  now: 1000, jails: [sshd], state: EMPTY_STATE, incoming: new Map(), refuse: () => null, maxBans: 100, ...over,
});
const ban = (ip: string, lastSeen: number, jail = 'sshd'): Ban => ({
  ip, jail, bannedAt: lastSeen + 5, expiresAt: lastSeen + 3605, failures: 3, firstSeen: lastSeen - 10, lastSeen, evidence: [`${ip} evidence`],
});
const three = (t: number) => [t, t + 1, t + 2];

describe('subnet escalation', () => {
  it('the third banned address of a /24 within findtime bans the /24, which takes the place of all three', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('203.0.113.10', 700), ban('203.0.113.11', 800)] };
    const d = decide(input({ state, incoming: incoming({ '203.0.113.12': three(990) }) }));
    expect(d.newBans.map((b) => [b.ip, b.failures, b.firstSeen, b.lastSeen, b.expiresAt, b.addresses])).toEqual([
      ['203.0.113.0/24', 9, 690, 992, 4600, ['203.0.113.10', '203.0.113.11', '203.0.113.12']],
    ]);
    expect(d.unbans).toEqual([
      { ip: '203.0.113.10', jail: 'sshd', reason: 'folded into 203.0.113.0/24' },
      { ip: '203.0.113.11', jail: 'sshd', reason: 'folded into 203.0.113.0/24' },
    ]);
    expect(d.bans.map((b) => b.ip)).toEqual(['203.0.113.0/24']);
    expect(d.newBans[0]!.evidence).toEqual(['203.0.113.10 evidence', '203.0.113.11 evidence', '203.0.113.12 at 990', '203.0.113.12 at 991', '203.0.113.12 at 992']);
  });

  it('bans further apart than findtime do not escalate; nor do two, nor bans of two subnets or jails', () => {
    const far: State = { ...EMPTY_STATE, bans: [ban('203.0.113.10', 100), ban('203.0.113.11', 200)] };
    expect(decide(input({ state: far, incoming: incoming({ '203.0.113.12': three(990) }) })).newBans.map((b) => b.ip)).toEqual(['203.0.113.12']);
    const split: State = { ...EMPTY_STATE, bans: [ban('203.0.113.10', 900), ban('203.0.114.11', 900), ban('203.0.113.20', 900, 'web')] };
    expect(decide(input({ state: split, incoming: incoming({ '203.0.113.12': three(990) }) })).newBans.map((b) => b.ip)).toEqual(['203.0.113.12']);
    const off = decide(input({ jails: [{ ...sshd, subnet: null }], state: { ...EMPTY_STATE, bans: [ban('203.0.113.10', 900), ban('203.0.113.11', 900)] }, incoming: incoming({ '203.0.113.12': three(990) }) }));
    expect(off.newBans.map((b) => b.ip)).toEqual(['203.0.113.12']);
  });

  it('three IPv6 /64s of one /48 ban the /48; a /64 inside it is then no new ban, its failures not kept', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('2001:db8:7:1::/64', 900), ban('2001:db8:7:2::/64', 900)] };
    const d = decide(input({ state, incoming: incoming({ '2001:db8:7:3::/64': three(990) }) }));
    expect(d.newBans.map((b) => b.ip)).toEqual(['2001:db8:7::/48']);
    const next = decide(input({ now: 1100, state: { ...EMPTY_STATE, bans: d.bans }, incoming: incoming({ '2001:db8:7:9::/64': three(1090), '203.0.113.9': [1090] }) }));
    expect(next.newBans).toEqual([]);
    expect(Object.keys(next.windows['sshd']!)).toEqual(['203.0.113.9']);
  });

  it('bans that already ended count too while within findtime (a bantime shorter than findtime): the history keeps their times', () => {
    const short = { ...sshd, bantime: 60 };
    const run = (state: State, now: number, ip: string) => {
      const d = decide(input({ jails: [short], now, state, incoming: incoming({ [ip]: three(now - 10) }) }));
      return { d, state: { ...state, bans: d.bans, windows: d.windows, history: d.history } };
    };
    let s: State = EMPTY_STATE;
    s = run(s, 1000, '203.0.113.10').state;
    s = run(s, 1200, '203.0.113.11').state;
    expect(s.bans.map((b) => b.ip)).toEqual(['203.0.113.11']);
    const third = run(s, 1400, '203.0.113.12');
    expect(third.d.newBans.map((b) => [b.ip, b.addresses])).toEqual([['203.0.113.0/24', ['203.0.113.10', '203.0.113.11', '203.0.113.12']]]);
    // Past findtime the first two no longer count.
    let t: State = EMPTY_STATE;
    t = run(t, 1000, '203.0.113.10').state;
    t = run(t, 1200, '203.0.113.11').state;
    expect(run(t, 1700, '203.0.113.12').d.newBans.map((b) => b.ip)).toEqual(['203.0.113.12']);
  });

  it('a subnet that holds the host\'s address is not banned; the run says so in one line and keeps the bans', () => {
    const guard = createBanGuard([{ name: 'sshd', ignoreip: [] }], ['203.0.113.1']);
    if (!guard.ok) throw new Error(guard.error);
    const state: State = { ...EMPTY_STATE, bans: [ban('203.0.113.10', 900), ban('203.0.113.11', 900)] };
    const d = decide(input({ state, refuse: guard.value, incoming: incoming({ '203.0.113.12': three(990) }) }));
    expect(d.newBans.map((b) => b.ip)).toEqual(['203.0.113.12']);
    expect(d.refusedSubnets).toEqual(['203.0.113.0/24 not banned in jail sshd after 3 bans in it: 203.0.113.0/24 contains 203.0.113.1: 203.0.113.1 is an address of this host']);
    expect(d.bans).toHaveLength(3);
  });
});

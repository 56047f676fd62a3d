import { describe, expect, it } from 'vitest';
import { decide, type DecideInput } from '../../src/core/decide.js';
import { EMPTY_STATE, type Ban, type State } from '../../src/core/state.js';

const sshd = { name: 'sshd', findtime: 600, maxretry: 3, bantime: 3600 };
const incoming = (entries: Record<string, number[]>) =>
  new Map([['sshd', new Map(Object.entries(entries).map(([ip, times]) => [ip, { times, evidence: times.map((t) => `line at ${t}`) }]))]]);
const input = (over: Partial<DecideInput>): DecideInput => ({
  now: 1000, jails: [sshd], state: EMPTY_STATE, incoming: new Map(), refuse: () => null, maxBans: 100, ...over,
});
const ban = (ip: string, expiresAt: number | null, jail = 'sshd'): Ban => ({
  ip, jail, bannedAt: 0, expiresAt, failures: 3, firstSeen: 0, lastSeen: 0, evidence: [],
});

describe('decide', () => {
  it('two failures in one run plus one in the next ban (the window straddles runs)', () => {
    const first = decide(input({ now: 500, incoming: incoming({ '203.0.113.5': [400, 450] }) }));
    expect(first.newBans).toEqual([]);
    const state: State = { ...EMPTY_STATE, windows: first.windows };
    const second = decide(input({ now: 700, state, incoming: incoming({ '203.0.113.5': [650] }) }));
    expect(second.newBans.map((b) => [b.ip, b.failures, b.firstSeen, b.lastSeen, b.expiresAt])).toEqual([['203.0.113.5', 3, 400, 650, 4300]]);
    expect(second.newBans[0]!.evidence).toEqual(['line at 400', 'line at 450', 'line at 650']);
    expect(second.windows['sshd']).toEqual({});
  });

  // A live ban runs bantime from the scan that applies it; a catch-up or a replay (its triggering
  // failure more than LIVE_HORIZON before the scan) keeps the log's time.
  it.each([
    { name: 'found by the next cron run: bantime from the scan', now: 10_120, at: 10_000, expiresAt: 10_120 + 3600 },
    { name: 'found in the same second', now: 10_000, at: 10_000, expiresAt: 13_600 },
    { name: 'exactly LIVE_HORIZON old: still live', now: 10_900, at: 10_000, expiresAt: 10_900 + 3600 },
    { name: 'one second older: a catch-up, timed by the log', now: 10_901, at: 10_000, expiresAt: 13_600 },
    { name: 'a replay an hour later: what is left of the ban', now: 12_000, at: 10_000, expiresAt: 13_600 },
    { name: 'a replay after the ban would have ended: no ban', now: 13_600, at: 10_000, expiresAt: undefined },
    { name: 'a line dated after the scan (clock skew): from its own time', now: 9_990, at: 10_000, expiresAt: 13_600 },
  ])('$name', ({ now, at, expiresAt }) => {
    const d = decide(input({ now, incoming: incoming({ '203.0.113.5': [at - 20, at - 10, at] }) }));
    expect(d.newBans[0]?.expiresAt).toBe(expiresAt);
    if (expiresAt !== undefined) expect(d.newBans[0]!.bannedAt).toBe(now);
  });

  it('a live ban with a bantime shorter than the cron interval still bans, and swallows the failures up to the scan', () => {
    const short = { ...sshd, bantime: 60 };
    const d = decide(input({ now: 10_300, jails: [short], incoming: incoming({ '203.0.113.5': [10_000, 10_001, 10_002, 10_100, 10_200, 10_290] }) }));
    expect(d.newBans.map((b) => [b.failures, b.expiresAt])).toEqual([[6, 10_360]]);
    expect(d.windows['sshd']).toEqual({});
  });

  it('a live permanent ban stays permanent', () => {
    const d = decide(input({ now: 10_100, jails: [{ ...sshd, bantime: null }], incoming: incoming({ '203.0.113.5': [10_000, 10_001, 10_002] }) }));
    expect(d.newBans[0]!.expiresAt).toBeNull();
  });

  it('never bans an ignored IP and forgets its failures', () => {
    const d = decide(input({ incoming: incoming({ '192.168.0.9': [900, 910, 920] }), refuse: (ip) => (ip.startsWith('192.168.') ? 'ignored' : null) }));
    expect(d.newBans).toEqual([]);
    expect(d.windows['sshd']).toEqual({});
  });

  it('lifts expired bans and bans of removed jails, keeps the others', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('198.51.100.1', 900), ban('198.51.100.2', 2000), ban('198.51.100.3', null), ban('198.51.100.4', null, 'gone')] };
    const d = decide(input({ state }));
    expect(d.unbans).toEqual([
      { ip: '198.51.100.1', jail: 'sshd', reason: 'expired' },
      { ip: '198.51.100.4', jail: 'gone', reason: 'jail removed from config' },
    ]);
    expect(d.bans.map((b) => b.ip)).toEqual(['198.51.100.2', '198.51.100.3']);
  });

  it('lifts a saved ban that a new ban would not get, with the reason, and keeps the rest', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('127.0.0.1', null, 'manual'), ban('203.0.113.5', 5000), ban('192.0.2.1', 5000)] };
    const refuse = (ip: string) => (ip === '203.0.113.5' ? null : `${ip} is not for banning`);
    const d = decide(input({ state, refuse }));
    expect(d.unbans).toEqual([
      { ip: '127.0.0.1', jail: 'manual', reason: 'refused: 127.0.0.1 is not for banning' },
      { ip: '192.0.2.1', jail: 'sshd', reason: 'refused: 192.0.2.1 is not for banning' },
    ]);
    expect(d.bans.map((b) => b.ip)).toEqual(['203.0.113.5']);
  });

  it('does not ban twice an IP that is already banned', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('203.0.113.5', 5000)] };
    const d = decide(input({ state, incoming: incoming({ '203.0.113.5': [900, 910, 920] }) }));
    expect(d.newBans).toEqual([]);
    expect(d.bans).toHaveLength(1);
  });

  it('caps new bans per run; the rest keep their failures for the next run', () => {
    const d = decide(input({ maxBans: 1, incoming: incoming({ '203.0.113.5': [900, 910, 920], '203.0.113.6': [800, 810, 820] }) }));
    expect(d.newBans.map((b) => b.ip)).toEqual(['203.0.113.5']);
    expect(d.deferred).toBe(1);
    const next = decide(input({ now: 1100, state: { ...EMPTY_STATE, windows: d.windows, bans: d.bans } }));
    expect(next.newBans.map((b) => b.ip)).toEqual(['203.0.113.6']);
  });

  it('keeps manual bans although no configured jail is called "manual"', () => {
    const state: State = { ...EMPTY_STATE, bans: [ban('198.51.100.9', null, 'manual'), ban('198.51.100.10', 900, 'manual')] };
    const d = decide(input({ state }));
    expect(d.bans.map((b) => b.ip)).toEqual(['198.51.100.9']);
    expect(d.unbans).toEqual([{ ip: '198.51.100.10', jail: 'manual', reason: 'expired' }]);
  });

  it('a repeat offender\'s next ban lasts bantime × factor, capped at maxbantime; the history is kept', () => {
    const escalating = { ...sshd, bantimeFactor: 2, maxbantime: 3 * 3600 };
    const attack = (at: number) => incoming({ '203.0.113.5': [at, at + 1, at + 2] });
    let state: State = EMPTY_STATE;
    const durations: (number | null)[] = [];
    for (const at of [1000, 20_000, 40_000, 60_000]) {
      const d = decide(input({ now: at + 10, jails: [escalating], state, incoming: attack(at) }));
      durations.push(d.newBans[0]!.expiresAt! - (at + 10));
      state = { ...state, bans: d.bans, windows: d.windows, history: d.history };
    }
    expect(durations).toEqual([3600, 7200, 10800, 10800]);
    expect(state.history).toEqual({ sshd: { '203.0.113.5': { count: 4, until: 60_010 + 10800 } } });
  });

  it('jails without escalation keep no history', () => {
    const d = decide(input({ incoming: incoming({ '203.0.113.5': [900, 910, 920] }) }));
    expect(d.newBans).toHaveLength(1);
    expect(d.history).toEqual({});
  });

  // With permanent bans an IP over the cap used to wait with every failure time it ever logged.
  it('an IP waiting over the cap with a permanent ban keeps maxretry times and a count, and is banned alike next run', () => {
    const permanent = { ...sshd, bantime: null };
    const flood = Array.from({ length: 5000 }, (_, i) => 100 + i);
    const first = decide(input({ now: 10_000, jails: [permanent], maxBans: 1, incoming: incoming({ '203.0.113.5': [9000, 9001, 9002], '203.0.113.6': flood }) }));
    expect(first.newBans.map((b) => b.ip)).toEqual(['203.0.113.5']);
    const waiting = first.windows['sshd']!['203.0.113.6']!;
    expect(waiting.times).toEqual([100, 101, 102]);
    expect(waiting.later).toEqual({ count: 4997, last: 5099 });
    expect(waiting.evidence).toEqual(flood.slice(-5).map((t) => `line at ${t}`));
    const unfolded = { ...first.windows, sshd: { ...first.windows['sshd'], '203.0.113.6': { times: flood, evidence: waiting.evidence } } };
    const next = (windows: State['windows']) => decide(input({ now: 10_100, jails: [permanent], state: { ...EMPTY_STATE, windows, bans: first.bans }, incoming: incoming({ '203.0.113.6': [10_050] }) }));
    const folded = next(first.windows).newBans;
    expect(folded).toEqual(next(unfolded).newBans);
    expect(folded.map((b) => [b.ip, b.failures, b.firstSeen, b.lastSeen, b.expiresAt])).toEqual([['203.0.113.6', 5001, 100, 10_050, null]]);
  });
});


import { describe, expect, it } from 'vitest';
import { addManualBan, removeManualBan } from '../../src/core/manual.js';
import { EMPTY_STATE, type State } from '../../src/core/state.js';

const sshd = { name: 'sshd', findtime: 600, maxretry: 3, bantime: 3600, bantimeFactor: 2 };
const pending = (times: number[]) => ({ times, evidence: [] });
const STATE: State = {
  ...EMPTY_STATE,
  windows: { sshd: { '203.0.113.5': pending([900, 910]), '203.0.113.6': pending([905]) }, web: { '203.0.113.5': pending([920]) } },
};

describe('manual ban and unban', () => {
  it('a ban without a jail is permanent in the manual jail and leaves other jails\' windows alone', () => {
    const r = addManualBan(STATE, '203.0.113.5', null, 1000);
    expect(r.ban).toEqual({ ip: '203.0.113.5', jail: 'manual', bannedAt: 1000, expiresAt: null, failures: 0, firstSeen: 1000, lastSeen: 1000, evidence: [] });
    expect(r.already).toBe(false);
    expect(r.state.windows).toEqual(STATE.windows);
  });

  it('a ban in a jail lasts its (escalated) bantime, drops the IP\'s pending failures there and counts in its history', () => {
    const first = addManualBan(STATE, '203.0.113.5', sshd, 1000);
    expect(first.ban.expiresAt).toBe(4600);
    expect(first.state.windows['sshd']).toEqual({ '203.0.113.6': pending([905]) });
    expect(first.state.windows['web']).toEqual(STATE.windows['web']);
    expect(first.state.history).toEqual({ sshd: { '203.0.113.5': { count: 1, until: 4600 } } });
    expect(addManualBan(first.state, '203.0.113.5', sshd, 2000)).toMatchObject({ already: true, state: first.state });
    const second = addManualBan(first.state, '203.0.113.5', sshd, 5000);
    expect(second.ban.expiresAt).toBe(5000 + 7200);
    expect(second.state.bans).toHaveLength(1);
  });

  it('unban lifts the IP\'s bans and forgets its failures and history, in one jail or in all', () => {
    const banned = addManualBan(addManualBan(STATE, '203.0.113.5', sshd, 1000).state, '203.0.113.5', null, 1000).state;
    const one = removeManualBan(banned, '203.0.113.5', 'manual');
    expect(one.removed.map((b) => b.jail)).toEqual(['manual']);
    expect(one.state.bans.map((b) => b.jail)).toEqual(['sshd']);
    expect(one.state.windows['web']).toEqual(STATE.windows['web']);
    const all = removeManualBan(banned, '203.0.113.5', null);
    expect(all.removed.map((b) => b.jail)).toEqual(['sshd', 'manual']);
    expect(all.state.bans).toEqual([]);
    expect(all.state.windows).toEqual({ sshd: { '203.0.113.6': pending([905]) }, web: {} });
    expect(all.state.history).toEqual({ sshd: {} });
    expect(removeManualBan(EMPTY_STATE, '203.0.113.5', null)).toEqual({ state: EMPTY_STATE, removed: [] });
  });
});

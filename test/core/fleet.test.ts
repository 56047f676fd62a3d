import { describe, expect, it } from 'vitest';
import { applyStream, enqueue, fleetEntries, isFleetState, parseGoDuration, type FleetDecision } from '../../src/core/fleet.js';
import type { Ban } from '../../src/core/state.js';

const NOW = 1_000_000;
const d = (id: number, value: string, duration: string, over: Record<string, unknown> = {}) => ({ id, value, duration, origin: 'crowdsec', scenario: 'crowdsecurity/ssh-bf', scope: 'Ip', type: 'ban', ...over });
const none = () => null;

describe('the fleet\'s decisions', () => {
  it.each([
    ['3h59m58.5s', 14398.5], ['4h', 14400], ['90s', 90], ['300ms', 0.3], ['1m1.000001s', 61.000001], ['-2m1s', -121], ['168h0m0s', 604800],
  ])('Go duration %s is %d s', (text, seconds) => expect(parseGoDuration(text)).toBeCloseTo(seconds, 6));

  it.each(['', '4', '4d', 'h', '1h-2m', '1.h'])('%j is no duration', (text) => expect(parseGoDuration(text)).toBeNull());

  it('a startup answer is every decision; later answers add and delete by id, a deletion seen twice is no error', () => {
    const first = applyStream([], { new: [d(1, '203.0.113.50', '1h'), d(2, '2001:DB8:1:2::/64', '4h', { scope: 'Range' })], deleted: null }, true, NOW, null, none);
    expect(first.decisions.map((x) => [x.id, x.value, x.scope, x.until])).toEqual([[1, '203.0.113.50', 'Ip', NOW + 3600], [2, '2001:db8:1:2::/64', 'Range', NOW + 14400]]);
    const next = applyStream(first.decisions, { new: [d(3, '198.51.100.7', '10m')], deleted: [d(1, '203.0.113.50', '-1s'), d(9, '192.0.2.9', '1h')] }, false, NOW + 10, null, none);
    expect(next.decisions.map((x) => x.id)).toEqual([2, 3]);
    expect([next.added, next.removed]).toEqual([1, 1]);
    const again = applyStream(next.decisions, { new: null, deleted: [d(1, '203.0.113.50', '-1s')] }, false, NOW + 20, null, none);
    expect(again.decisions.map((x) => x.id)).toEqual([2, 3]);
    // A startup answer replaces what was kept (decisions deleted while this host was away go).
    expect(applyStream(next.decisions, { new: [d(3, '198.51.100.7', '9m')], deleted: [] }, true, NOW + 30, null, none).decisions.map((x) => x.id)).toEqual([3]);
  });

  it('keeps only bans of an address or a range, by the origins asked for; what it cannot read is left out', () => {
    const answer = {
      new: [d(1, '203.0.113.1', '1h', { type: 'captcha' }), d(2, 'FR', '1h', { scope: 'Country' }), d(3, 'not-an-ip', '1h'), d(4, '203.0.113.4', 'soon'),
        d(5, '203.0.113.5', '1h', { origin: 'CAPI' }), d(6, '203.0.113.6', '1h', { origin: 'cscli' }), d(7, '203.0.113.7', '-5s')],
      deleted: null,
    };
    expect(applyStream([], answer, true, NOW, ['crowdsec', 'cscli'], none).decisions.map((x) => x.id)).toEqual([6]);
    expect(applyStream([], answer, true, NOW, null, none).decisions.map((x) => x.id)).toEqual([5, 6]);
  });

  it('a decision the checks of every ban refuse is not kept, and named once', () => {
    const refuse = (ip: string) => (ip === '192.0.2.1' ? '192.0.2.1 is an address of this host' : null);
    const r = applyStream([], { new: [d(1, '192.0.2.1', '1h', { origin: 'cscli', scenario: 'manual \'ban\' from \'web1\'' }), d(2, '203.0.113.2', '1h')], deleted: null }, true, NOW, null, refuse);
    expect(r.decisions.map((x) => x.id)).toEqual([2]);
    expect(r.refused).toEqual(['fleet: 192.0.2.1 (cscli manual \'ban\' from \'web1\') not enforced: 192.0.2.1 is an address of this host']);
  });

  it('one entry per target, the longest decision; unchanged entries are the same records', () => {
    const decisions: FleetDecision[] = [
      { id: 1, origin: 'a', scenario: 's', scope: 'Ip', value: '203.0.113.50', until: NOW + 60 },
      { id: 2, origin: 'b', scenario: 's', scope: 'Ip', value: '203.0.113.50', until: NOW + 600 },
      { id: 3, origin: 'a', scenario: 's', scope: 'Range', value: '2001:db8:1:2::/64', until: NOW + 60 },
      { id: 4, origin: 'a', scenario: 's', scope: 'Ip', value: '198.51.100.1', until: NOW - 1 },
    ];
    const entries = fleetEntries(decisions, NOW);
    expect(entries).toEqual([{ ip: '203.0.113.50', jail: 'fleet', expiresAt: NOW + 600 }, { ip: '2001:db8:1:2::/64', jail: 'fleet', expiresAt: NOW + 60 }]);
    const again = fleetEntries(decisions, NOW + 1, entries);
    expect(again[0]).toBe(entries[0]);
    expect(fleetEntries(decisions.slice(1), NOW + 1, entries)[0]).toBe(entries[0]);
  });
});

describe('the outbox', () => {
  const ban = (ip: string, jail = 'sshd', expiresAt: number | null = NOW + 3600): Ban => ({
    ip, jail, bannedAt: NOW, expiresAt, failures: 5, firstSeen: NOW - 60, lastSeen: NOW - 1, evidence: ['line one', { file: 0, at: 7 } as never],
  });

  it('new bans and unbans wait in order; a ban lifted before it was sent is never sent, nor its unban', () => {
    const out = enqueue([], [ban('203.0.113.50'), ban('2001:db8:1:2::/64')], [], NOW);
    expect(out.map((o) => [o.kind, o.target])).toEqual([['ban', '203.0.113.50'], ['ban', '2001:db8:1:2::/64']]);
    expect(out[0]).toMatchObject({ evidence: ['line one'], failures: 5 });
    const later = enqueue(out, [], [{ ip: '203.0.113.50', jail: 'sshd' }, { ip: '198.51.100.9', jail: 'sshd' }], NOW + 10);
    expect(later.map((o) => [o.kind, o.target])).toEqual([['ban', '2001:db8:1:2::/64'], ['unban', '198.51.100.9']]);
    // A waiting ban that ended on its own goes; fleet bans are the fleet's, never sent back.
    expect(enqueue(later, [ban('203.0.113.60', 'fleet')], [], NOW + 7200).map((o) => o.kind)).toEqual(['unban']);
    expect(isFleetState({ pulled: true, decisions: [], outbox: later })).toBe(true);
    expect(isFleetState({ pulled: true, decisions: [{ id: 1 }], outbox: [] })).toBe(false);
  });
});

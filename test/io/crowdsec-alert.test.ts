import { describe, expect, it } from 'vitest';
import { alertOf } from '../../src/io/fleet/crowdsec.js';

const NOW = Date.parse('2026-12-03T18:00:00Z') / 1000;
const ban = { kind: 'ban' as const, jail: 'sshd', target: '2001:db8:1:2::/64', bannedAt: NOW - 60, expiresAt: NOW + 3540.2, failures: 7,
  firstSeen: NOW - 600, lastSeen: NOW - 61, evidence: ['one', 'x'.repeat(5000)], addresses: ['2001:db8:1:2::a', '2001:db8:1:2::b'] };

describe('the alert a ban becomes', () => {
  it('stop_at is now and the duration what is left (the LAPI ends a decision at stop_at + duration); a block is a Range', () => {
    const a = alertOf(ban, NOW, 'web1') as Record<string, unknown>;
    expect(a['stop_at']).toBe('2026-12-03T18:00:00Z');
    expect(a['start_at']).toBe('2026-12-03T17:50:00Z');
    expect(a['decisions']).toEqual([{ duration: '3541s', type: 'ban', scope: 'Range', value: '2001:db8:1:2::/64', origin: 'logban', scenario: 'logban/sshd' }]);
    expect(a['source']).toEqual({ scope: 'Range', value: '2001:db8:1:2::/64', range: '2001:db8:1:2::/64' });
    expect(a['events_count']).toBe(7);
    const meta = (a['events'] as { meta: { key: string; value: string }[] }[])[0]!.meta;
    expect(meta.map((m) => m.key)).toEqual(['service', 'log_line_1', 'log_line_2', 'addresses']);
    expect(meta[2]!.value.length).toBeLessThan(2100);
    expect(meta[2]!.value.startsWith("x".repeat(2000))).toBe(true);
    expect(meta[3]!.value).toBe('2001:db8:1:2::a 2001:db8:1:2::b');
    for (const field of ['scenario', 'scenario_hash', 'scenario_version', 'message', 'events_count', 'start_at', 'stop_at', 'capacity', 'leakspeed', 'simulated', 'events', 'source']) {
      expect(a).toHaveProperty(field);
    }
  });

  it('a permanent ban is sent as ten years, an address as Ip', () => {
    const a = alertOf({ ...ban, target: '203.0.113.9', expiresAt: null, addresses: undefined } as never, NOW, 'web1') as { decisions: { duration: string; scope: string }[]; source: unknown };
    expect(a.decisions[0]).toMatchObject({ duration: `${10 * 365 * 86400}s`, scope: 'Ip' });
    expect(a.source).toEqual({ scope: 'Ip', value: '203.0.113.9', ip: '203.0.113.9' });
  });
});

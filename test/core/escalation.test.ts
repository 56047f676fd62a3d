import { describe, expect, it } from 'vitest';
import { banDuration, HARD_MAX_BANTIME, HISTORY_GRACE, priorBans, recordBans } from '../../src/core/escalation.js';
import { parseState } from '../../src/core/state.js';

const H = 3600;

describe('ban escalation', () => {
  it.each([
    // bantime, factor, maxbantime, prior bans → duration
    [H, undefined, undefined, 0, H],
    [H, 1, null, 5, H],
    [H, 2, null, 0, H],
    [H, 2, null, 1, 2 * H],
    [H, 2, null, 3, 8 * H],
    [H, 2, 5 * H, 3, 5 * H],
    [H, 1.5, null, 2, 2.25 * H],
    [H, 3, null, 500, HARD_MAX_BANTIME],
    [HARD_MAX_BANTIME, 1e308, HARD_MAX_BANTIME, 3, HARD_MAX_BANTIME],
    [H, Number.MAX_VALUE, null, 1, HARD_MAX_BANTIME],
    [null, 2, null, 3, null],
  ] as const)('bantime %s × factor %s (max %s) after %i bans lasts %s', (bantime, factor, max, prior, expected) => {
    expect(banDuration({ bantime, ...(factor !== undefined ? { bantimeFactor: factor } : {}), ...(max !== undefined ? { maxbantime: max } : {}) }, prior)).toBe(expected);
  });

  it('counts bans per jail and IP, and forgets an IP a week after its last ban ended', () => {
    const h1 = recordBans(undefined, [{ ip: '203.0.113.5', jail: 'sshd', expiresAt: 1000 + H }], 1000);
    const h2 = recordBans(h1, [{ ip: '203.0.113.5', jail: 'sshd', expiresAt: 9000 }, { ip: '203.0.113.5', jail: 'web', expiresAt: null }], 5000);
    expect(h2).toEqual({ sshd: { '203.0.113.5': { count: 2, until: 9000 } }, web: { '203.0.113.5': { count: 1, until: null } } });
    expect(priorBans(h2, 'sshd', '203.0.113.5', 9000 + HISTORY_GRACE - 1)).toBe(2);
    expect(priorBans(h2, 'sshd', '203.0.113.5', 9000 + HISTORY_GRACE)).toBe(0);
    expect(priorBans(h2, 'sshd', '198.51.100.1', 0)).toBe(0);
    expect(recordBans(h2, [], 9000 + HISTORY_GRACE)).toEqual({ web: { '203.0.113.5': { count: 1, until: null } } });
  });
});

describe('ban history in the state file', () => {
  const base = { version: 1, files: {}, windows: {}, bans: [] };

  it('an older state file without history still loads', () => {
    const r = parseState(JSON.stringify(base));
    expect(r.ok && r.value.history).toBe(undefined);
  });

  it('a valid history loads', () => {
    const history = { sshd: { '203.0.113.5': { count: 2, until: 9000 }, '2001:db8::1': { count: 1, until: null } } };
    const r = parseState(JSON.stringify({ ...base, history }));
    expect(r.ok && r.value.history).toEqual(history);
  });

  it.each([
    [{ sshd: { '203.0.113.5': { count: 0, until: 1 } } }],
    [{ sshd: { '203.0.113.5': { count: 1.5, until: 1 } } }],
    [{ sshd: { '203.0.113.5': { count: 1 } } }],
    [{ sshd: { '2001:DB8::1': { count: 1, until: null } } }],
    [{ sshd: { 'not-an-ip': { count: 1, until: null } } }],
    [{ sshd: [] }],
    [[]],
  ])('a damaged history %j is refused, not reset', (history) => {
    expect(parseState(JSON.stringify({ ...base, history }))).toEqual({ ok: false, error: { message: '"history" is damaged' } });
  });
});

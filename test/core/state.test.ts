import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, jsonPieces, parseState, serializeState, type State } from '../../src/core/state.js';

const ban = (ip: string) => ({ ip, jail: 'sshd', bannedAt: 10, expiresAt: null, failures: 7, firstSeen: 1, lastSeen: 9, evidence: [`Failed password from ${ip}`, 'a "quoted"\\tline'] });

describe('state file', () => {
  it('loads a window saved before folded counts existed, and one with them', () => {
    const old = '{"version":1,"files":{},"windows":{"sshd":{"203.0.113.5":{"times":[1,2],"evidence":["x"]}}},"bans":[]}';
    const parsed = parseState(old);
    expect(parsed.ok && parsed.value.windows['sshd']?.['203.0.113.5']).toEqual({ times: [1, 2], evidence: ['x'] });
    const folded = { ...EMPTY_STATE, windows: { sshd: { '203.0.113.5': { times: [1, 2, 3], evidence: ['x'], later: { count: 40, last: 99 } } } } };
    const again = parseState(serializeState(folded));
    expect(again.ok && again.value).toEqual(folded);
  });

  it('loads carried attempts saved before user names were kept, and ones with them; refuses a damaged user', () => {
    const slot = { id: '203.0.113.5', keyed: false, ip: '203.0.113.5', pending: [{ ip: '203.0.113.5', time: 1, pattern: 3, line: 'pam', role: 'companion' }], settled: null, last: 1 };
    const old = JSON.stringify({ ...EMPTY_STATE, carry: { dovecot: { '/var/log/mail.log': [slot] } } });
    expect(parseState(old).ok).toBe(true);
    const named = { ...EMPTY_STATE, carry: { dovecot: { '/var/log/mail.log': [{ ...slot, user: 'root', pending: [{ ...slot.pending[0]!, user: 'root' }] }] } } };
    const again = parseState(serializeState(named as State));
    expect(again.ok && again.value).toEqual(named);
    const bad = JSON.stringify({ ...EMPTY_STATE, carry: { dovecot: { '/var/log/mail.log': [{ ...slot, user: 7 }] } } });
    expect(parseState(bad)).toEqual({ ok: false, error: { message: '"carry" is damaged' } });
  });

  it.each([{ count: 0, last: 5 }, { count: 1.5, last: 5 }, { count: 2 }, 'many'])('refuses a damaged folded count %j', (later) => {
    const text = JSON.stringify({ ...EMPTY_STATE, windows: { sshd: { '203.0.113.5': { times: [1], evidence: [], later } } } });
    expect(parseState(text)).toEqual({ ok: false, error: { message: '"windows" is damaged' } });
  });

  // Written piece by piece, the file is byte for byte what one JSON.stringify gives.
  it('the pieces make the same text as one JSON.stringify, a MiB or so at a time', () => {
    const windows: Record<string, { times: number[]; evidence: string[] }> = {};
    for (let i = 0; i < 20_000; i++) windows[`198.51.${i >> 8}.${i & 255}`] = { times: [i, i + 1], evidence: ['é ü "x" \\\\ line\\nnot a newline', `${i}`] };
    const state: State = {
      version: 1, files: { '/var/log/auth.log': { offset: 5, dev: 1, ino: 2 } }, windows: { sshd: windows, empty: {} },
      bans: [ban('203.0.113.1'), ban('2001:db8::1')], journals: {}, bootId: 'b',
    };
    const pieces = [...jsonPieces(state)];
    expect(pieces.join('')).toBe(`${JSON.stringify(state, null, 1)}\n`);
    expect(serializeState(state)).toBe(pieces.join(''));
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(1.1 * 2 ** 20);
    expect(serializeState(EMPTY_STATE)).toBe(`${JSON.stringify(EMPTY_STATE, null, 1)}\n`);
  });

  it('a ban saved longer than ten years (older versions took any bantime) is read as ten years', () => {
    const tenYears = 10 * 365 * 86400;
    const long = { ...ban('203.0.113.1'), bannedAt: 1_800_000_000, expiresAt: 60480001794649200 };
    const fine = { ...ban('203.0.113.2'), bannedAt: 1_800_000_000, expiresAt: 1_800_000_000 + tenYears };
    const r = parseState(JSON.stringify({ ...EMPTY_STATE, bans: [long, fine, ban('203.0.113.3')] }));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.bans.map((b) => b.expiresAt)).toEqual([1_800_000_000 + tenYears, 1_800_000_000 + tenYears, null]);
    expect(new Date(r.value.bans[0]!.expiresAt! * 1000).toISOString()).toMatch(/^2037-/);
  });
});

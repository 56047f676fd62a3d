import { describe, expect, it } from 'vitest';
import { createBanGuard } from '../../src/core/ban-guard.js';
import { decide, type DecideInput } from '../../src/core/decide.js';
import { addManualBan } from '../../src/core/manual.js';
import { RECIDIVE_JAIL } from '../../src/core/recidive.js';
import { EMPTY_STATE, type State } from '../../src/core/state.js';

// Recidive in decide: each ban of a target in any jail is counted once, by the time it was made;
// the maxretry-th within findtime bans the target in the recidive jail.
const jails = [{ name: 'sshd', findtime: 600, maxretry: 3, bantime: 3600 }, { name: 'dovecot', findtime: 600, maxretry: 3, bantime: 600 }];
const recidive = { findtime: 86400, maxretry: 3, bantime: 7 * 86400 };
const three = (t: number) => [t, t + 1, t + 2];
const failures = (jail: string, ip: string, t: number) => new Map([[jail, new Map([[ip, { times: three(t), evidence: [`${jail} ${ip} at ${t}`] }]])]]);
const input = (over: Partial<DecideInput>): DecideInput => ({
  now: 1000, jails, state: EMPTY_STATE, incoming: new Map(), refuse: () => null, maxBans: 100, recidive, ...over,
});
// One run: the state after it (bans, windows, history), as a scan would save it.
function run(state: State, now: number, incoming: DecideInput['incoming'], over: Partial<DecideInput> = {}) {
  const d = decide(input({ now, state, incoming, ...over }));
  return { d, state: { ...state, bans: d.bans, windows: d.windows, history: d.history } as State };
}

describe('recidive', () => {
  const ip = '203.0.113.9';

  it('the third ban in a day, in any jails, bans the address on every port for a week', () => {
    let s: State = EMPTY_STATE;
    s = run(s, 1000, failures('sshd', ip, 990)).state;
    s = run(s, 5000, failures('sshd', ip, 4990)).state;
    expect(s.history?.[RECIDIVE_JAIL]?.[ip]).toEqual({ count: 2, until: null, times: [1000, 5000] });
    const third = run(s, 9000, failures('dovecot', ip, 8990));
    expect(third.d.newBans.map((b) => [b.ip, b.jail, b.expiresAt, b.failures])).toEqual([[ip, 'dovecot', 9600, 3], [ip, RECIDIVE_JAIL, 9000 + 7 * 86400, 3]]);
    // A fourth ban while the recidive ban is in force counts, but bans nothing more in recidive.
    const fourth = run(third.state, 13000, failures('sshd', ip, 12990));
    expect(fourth.d.newBans.map((b) => b.jail)).toEqual(['sshd']);
    expect(fourth.state.history?.[RECIDIVE_JAIL]?.[ip]?.times).toEqual([1000, 5000, 9000, 13000]);
  });

  it('bans more than findtime apart do not add up; old times are forgotten', () => {
    let s: State = EMPTY_STATE;
    s = run(s, 1000, failures('sshd', ip, 990)).state;
    s = run(s, 87000, failures('sshd', ip, 86990)).state;
    // 173,000 is more than a day after 1,000: that ban no longer counts.
    const third = run(s, 173000, failures('sshd', ip, 172990));
    expect(third.d.newBans.map((b) => b.jail)).toEqual(['sshd']);
    expect(third.state.history?.[RECIDIVE_JAIL]?.[ip]?.times).toEqual([87000, 173000]);
  });

  it('bans by hand count too, and can be the one that reaches maxretry', () => {
    let s: State = EMPTY_STATE;
    s = run(s, 1000, failures('sshd', ip, 990)).state;
    s = addManualBan(s, ip, null, 2000, { policy: recidive, refuse: () => null }).state;
    const r = addManualBan(s, ip, jails[1]!, 3000, { policy: recidive, refuse: () => null });
    expect(r.recidive?.map((b) => [b.ip, b.jail])).toEqual([[ip, RECIDIVE_JAIL]]);
    expect(r.state.bans.map((b) => b.jail).sort()).toEqual(['dovecot', 'manual', RECIDIVE_JAIL, 'sshd']);
  });

  it('an address in any jail\'s ignoreip is counted but never banned in recidive (it blocks every port)', () => {
    const guard = createBanGuard([{ name: 'sshd', ignoreip: [] }, { name: 'web', ignoreip: [ip] }], []);
    if (!guard.ok) throw new Error(guard.error);
    let s: State = EMPTY_STATE;
    for (const t of [1000, 5000, 9000]) s = run(s, t, failures('sshd', ip, t - 10), { refuse: guard.value }).state;
    expect(s.history?.[RECIDIVE_JAIL]?.[ip]?.times).toEqual([1000, 5000, 9000]);
    expect(s.bans.map((b) => b.jail)).toEqual(['sshd']);
  });

  it('without [recidive] its ban times are dropped and its bans lifted', () => {
    const on = run(EMPTY_STATE, 1000, failures('sshd', ip, 990)).state;
    const off = run({ ...on, bans: [...on.bans, { ...on.bans[0]!, jail: RECIDIVE_JAIL }] }, 1100, new Map(), { recidive: null });
    expect(off.d.unbans).toEqual([{ ip, jail: RECIDIVE_JAIL, reason: 'jail removed from config' }]);
    expect(off.state.history?.[RECIDIVE_JAIL]).toBeUndefined();
  });
});

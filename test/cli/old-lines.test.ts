import { describe, expect, it } from 'vitest';
import { makeSandbox, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

// Failures from three weeks before --now: Oct 31, read with the year of --now.
const OLD = ['10:00:00', '10:00:10', '10:00:20'].map((t) => sshdFailure(t, '203.0.113.77').replace('Nov 21', 'Oct 31')).join('');

describe('a first run over old lines', () => {
  it('failures too old to cause a ban in force now are skipped, not even left pending', () => {
    const box = makeSandbox(sshdJailConfig({ findtime: '1h' }));
    box.append('auth.log', OLD);
    const run = box.json('2026-11-21T10:00:00Z');
    expect(run.files[0]!.linesRead).toBe(3);
    expect(run.newBans).toEqual([]);
  });

  it('with permanent bans every failure still counts, however old', () => {
    const box = makeSandbox(sshdJailConfig({ findtime: '1h', bantime: 'permanent' }));
    box.append('auth.log', OLD);
    const run = box.json('2026-11-21T10:00:00Z');
    expect(run.newBans.map((b) => [b.ip, b.failures, b.expiresAt])).toEqual([['203.0.113.77', 3, null]]);
  });
});

describe('a first run over a long log', () => {
  it('skips chunks of month-old lines whole, yet counts every line and bans from the recent ones', () => {
    const box = makeSandbox(sshdJailConfig({ findtime: '1h' }));
    let old = '';
    for (let i = 0; i < 60_000; i++) {
      const t = `${String(10 + Math.floor(i / 3600) % 10).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
      old += sshdFailure(t, `198.51.100.${i % 250}`).replace('Nov 21', `Oct ${String(1 + Math.floor(i / 3000)).padStart(2, ' ')}`);
    }
    box.append('auth.log', old);
    box.append('auth.log', ['09:50:00', '09:51:00', '09:52:00'].map((t) => sshdFailure(t, '203.0.113.77')).join(''));
    const run = box.json('2026-11-21T10:00:00Z');
    expect(run.files[0]!.linesRead).toBe(60_003);
    expect(run.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.77', 3]]);
    // The same log under permanent bans, where nothing may be skipped, bans every old attacker too.
    const all = makeSandbox(sshdJailConfig({ findtime: '1h', bantime: 'permanent' }));
    all.append('auth.log', old);
    expect(all.json('2026-11-21T10:00:00Z').newBans.length).toBe(250);
  });
});

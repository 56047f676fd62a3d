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

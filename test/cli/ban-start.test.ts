import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

// A live ban runs bantime from the scan that applies it; a replay or a catch-up keeps the time of
// the failure that crossed maxretry (older than LIVE_HORIZON, 15 minutes, at the scan).
describe('when a ban ends', () => {
  it('cron runs two minutes after the attack: the ban lasts the full hour from that scan', () => {
    const sb = makeSandbox(sshdJailConfig());
    sb.append('auth.log', ['09:40:00', '09:40:30', '09:41:00'].map((t) => sshdFailure(t, '203.0.113.9')).join(''));
    const r = sb.json('2026-11-21T09:43:00Z');
    expect(r.newBans.map((b) => [b.ip, b.lastSeen, b.expiresAt])).toEqual([['203.0.113.9', '2026-11-21T09:41:00Z', '2026-11-21T10:43:00Z']]);
    const status = JSON.parse(runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', '2026-11-21T10:42:00Z']).stdout);
    expect(status.bans).toEqual([{ ip: '203.0.113.9', jail: 'sshd', bannedAt: '2026-11-21T09:43:00Z', expiresAt: '2026-11-21T10:43:00Z' }]);
    expect(sb.json('2026-11-21T10:43:00Z').unbans).toEqual([{ ip: '203.0.113.9', jail: 'sshd', reason: 'expired' }]);
  });

  it('a log replayed forty minutes later: the ban keeps the log time, and one long over bans nothing', () => {
    const sb = makeSandbox(sshdJailConfig());
    sb.append('auth.log', [
      ...['09:00:00', '09:00:10', '09:00:20'].map((t) => sshdFailure(t, '203.0.113.9')),
      ...['08:00:00', '08:00:10', '08:00:20'].map((t) => sshdFailure(t, '198.51.100.4')),
    ].join(''));
    const r = sb.json('2026-11-21T09:40:00Z');
    expect(r.newBans.map((b) => [b.ip, b.expiresAt])).toEqual([['203.0.113.9', '2026-11-21T10:00:20Z']]);
  });

  it('replaying the same log twice gives the same bans', () => {
    const lines = ['09:00:00', '09:00:10', '09:00:20'].map((t) => sshdFailure(t, '203.0.113.9')).join('');
    const runs = [0, 1].map(() => {
      const sb = makeSandbox(sshdJailConfig());
      sb.append('auth.log', lines);
      return sb.json('2026-11-21T09:30:00Z').newBans.map((b) => [b.ip, b.expiresAt]);
    });
    expect(runs[0]).toEqual([['203.0.113.9', '2026-11-21T10:00:20Z']]);
    expect(runs[1]).toEqual(runs[0]);
  });
});

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE } from '../../src/core/state.js';
import { savedState } from '../helpers/saved-state.js';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const NOW = '2026-11-21T09:45:00Z';
const TEN_YEARS = 10 * 365 * 86400;

describe('durations have a maximum', () => {
  it('a bantime beyond ten years is a config error naming file and line, and nothing is banned or saved', () => {
    const sb = makeSandbox(sshdJailConfig({ bantime: '99999999999w' }));
    sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9').repeat(3));
    const r = sb.scan(NOW);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${sb.config}:4: bantime: "99999999999w" is longer than the maximum of 3650d`);
    expect(existsSync(join(sb.stateDir, 'state.json'))).toBe(false);
  });

  it('a ban an older version saved beyond the year 275760 is read as ten years: status and scan work', () => {
    const sb = makeSandbox(sshdJailConfig());
    sb.append('auth.log', '');
    const bannedAt = Date.parse('2026-11-20T09:00:00Z') / 1000;
    const ban = { ip: '203.0.113.9', jail: 'sshd', bannedAt, expiresAt: 60480001794649200, failures: 3, firstSeen: bannedAt, lastSeen: bannedAt, evidence: ['x'] };
    mkdirSync(sb.stateDir, { mode: 0o700 });
    writeFileSync(join(sb.stateDir, 'state.json'), JSON.stringify({ ...EMPTY_STATE, bans: [ban] }));
    const status = runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    const expected = new Date((bannedAt + TEN_YEARS) * 1000).toISOString().replace('.000Z', 'Z');
    expect(JSON.parse(status.stdout).bans).toEqual([{ ip: '203.0.113.9', jail: 'sshd', bannedAt: '2026-11-20T09:00:00Z', expiresAt: expected }]);
    sb.append('auth.log', sshdFailure('09:40:00', '198.51.100.4').repeat(3));
    const scan = sb.scan(NOW);
    expect([scan.code, scan.stderr]).toEqual([0, '']);
    expect(scan.stdout).toContain('198.51.100.4');
    const saved = savedState(sb.stateDir);
    expect(saved.bans.find((b) => b.ip === '203.0.113.9')?.expiresAt).toBe(bannedAt + TEN_YEARS);
  });
});

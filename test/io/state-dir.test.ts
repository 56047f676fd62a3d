import { chmodSync, chownSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, rootOrSkip, runCli, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const NOW = '2026-11-21T09:45:00Z';
const gate = rootOrSkip();

// A sandbox with three failures waiting in its log, so a run that got through would write a ban.
function sandbox() {
  const sb = makeSandbox(sshdJailConfig());
  sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9').repeat(3));
  return sb;
}

function expectRefused(args: readonly string[], message: string) {
  const r = runCli(args);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([`logban: ${message}`]);
  expect(r.code).toBe(1);
}

describe('a state dir others could write to is refused', () => {
  it('writable by group or others: one line naming it and the chmod, exit 1, nothing written', () => {
    const sb = sandbox();
    mkdirSync(sb.stateDir);
    chmodSync(sb.stateDir, 0o777);
    const message = `${sb.stateDir}: the state dir is writable by group or others (mode 0777); run chmod 700 ${sb.stateDir}`;
    for (const command of [['scan'], ['scan', '--dry-run'], ['status'], ['restore'], ['ban', '198.51.100.7'], ['unban', '203.0.113.9']]) {
      expectRefused([...command, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], message);
    }
    chmodSync(sb.stateDir, 0o1777);
    expectRefused(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], message.replace('0777', '1777'));
    chmodSync(sb.stateDir, 0o770);
    expectRefused(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW], message.replace('0777', '0770'));
    expect(readdirSync(sb.stateDir)).toEqual([]);
    chmodSync(sb.stateDir, 0o755);
    expect(sb.scan(NOW).code).toBe(0);
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'state.json']);
  });

  it('a symbolic link, even to a good directory: refused, and nothing is written through it', () => {
    const sb = sandbox();
    const real = sb.path('real-state');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, sb.stateDir);
    expectRefused(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW],
      `${sb.stateDir}: the state dir is a symbolic link (to ${real}); give the real directory with --state-dir or LOGBAN_STATE_DIR`);
    expect(readdirSync(real)).toEqual([]);
    expect(runCli(['scan', '--config', sb.config, '--state-dir', real, '--now', NOW]).code).toBe(0);
  });

  it('a missing state dir is created with mode 0700; a file in its place is refused', () => {
    const sb = sandbox();
    const nested = join(sb.stateDir, 'deeper');
    expect(runCli(['scan', '--config', sb.config, '--state-dir', nested, '--now', NOW]).code).toBe(0);
    expect(statSync(nested).mode & 0o7777).toBe(0o700);
    expect(readdirSync(nested).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'state.json']);
    expectRefused(['scan', '--config', sb.config, '--state-dir', sb.path('auth.log'), '--now', NOW],
      `${sb.path('auth.log')}: the state dir is not a directory; move it away or give another --state-dir`);
  });

  it.skipIf(gate.skip)('owned by another user: refused with the chown to run (needs root to chown)', () => {
    const sb = sandbox();
    mkdirSync(sb.stateDir, { mode: 0o700 });
    chownSync(sb.stateDir, 65534, 65534);
    expectRefused(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW],
      `${sb.stateDir}: the state dir is owned by uid 65534, not by root; run chown root ${sb.stateDir}`);
    expectRefused(['status', '--config', sb.config, '--state-dir', sb.stateDir], `${sb.stateDir}: the state dir is owned by uid 65534, not by root; run chown root ${sb.stateDir}`);
    expect(readdirSync(sb.stateDir)).toEqual([]);
    chownSync(sb.stateDir, 0, 0);
    expect(sb.scan(NOW).code).toBe(0);
  });
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, makeSandbox, runCli, sshdFailure, tempDir } from '../helpers/cli.js';
import { savedState } from '../helpers/saved-state.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

// strace stops the process with SIGKILL on entry to the nth call of one system call: a kill -9
// exactly before each step of a commit (each write is followed by an fsync, the head by its
// rename, the old files' removal by unlink), with no hook in logban itself.
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => spawnSync(p, ['-V']).status === 0);
const STEPS = ['fsync', 'rename', 'ftruncate', 'unlink'] as const;
if (!STRACE && process.env['CI']) throw new Error('strace is needed under CI (apt-get install strace)');

const FIRST = '2026-11-21T09:05:00Z';
const SECOND = '2026-11-21T11:10:00Z';
// Twenty IPv6 attackers of one /64 stay twenty bans: counted per address.
const CONFIG = sshdJailConfig({ findtime: '1h', maxretry: 3, bantime: '1h' }).replace('[defaults]', '[defaults]\nipv6_prefix = 128');
const attacker = (i: number) => `2001:db8::${(i + 1).toString(16)}`;

function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { mode: 0o700 });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
}

// The first run bans 5,000 addresses; the second lifts them all (their hour is over) and bans 20
// new ones, so its commit appends, then rewrites both logs under new names and removes the old.
function prepare() {
  const sb = makeSandbox(CONFIG);
  sb.append('auth.log', Array.from({ length: 5000 }, (_, i) => sshdFailure('09:00:00', attacker(i)).repeat(3)).join(''));
  expect(sb.scan(FIRST).code).toBe(0);
  sb.append('auth.log', Array.from({ length: 20 }, (_, i) => sshdFailure('11:09:00', `203.0.113.${i + 1}`).repeat(3)).join(''));
  const snapshot = tempDir('logban-snapshot-');
  copyDir(sb.stateDir, snapshot);
  return { sb, snapshot };
}

function outcome(sb: ReturnType<typeof makeSandbox>) {
  const status = runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', SECOND]);
  expect(status.code, status.stderr).toBe(0);
  return { status: status.stdout, state: savedState(sb.stateDir) };
}

function scanKilledAt(sb: ReturnType<typeof makeSandbox>, call: string, nth: number) {
  const args = ['-f', '-qq', '-o', '/dev/null', '-e', `trace=${call}`, '-e', `inject=${call}:signal=SIGKILL:when=${nth}`,
    process.execPath, BIN, 'scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', SECOND];
  return spawnSync(STRACE!, args, { env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, encoding: 'utf8' });
}

describe.skipIf(!STRACE)('kill -9 at each step of a commit (strace)', () => {
  it('a run killed before any fsync, rename, ftruncate or unlink, then a clean run, ends where one clean run ends', () => {
    const { sb, snapshot } = prepare();
    expect(sb.scan(SECOND).code).toBe(0);
    const expected = outcome(sb);
    expect(expected.state.bans.map((b) => b.ip).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `203.0.113.${i + 1}`).sort());
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.2.log', 'evidence.2.log', 'state.json']);
    let kills = 0;
    for (const call of STEPS) {
      for (let nth = 1; nth <= 8; nth++) {
        copyDir(snapshot, sb.stateDir);
        const killed = scanKilledAt(sb, call, nth);
        if (killed.status === 0) break; // fewer calls of this kind than nth: the run finished
        kills++;
        expect(killed.stderr, `${call} #${nth}`).toBe('');
        const again = sb.scan(SECOND);
        expect(again.code, `${call} #${nth}: ${again.stderr}`).toBe(0);
        expect(outcome(sb), `${call} #${nth}`).toEqual(expected);
      }
    }
    // At least: two log fsyncs, two compacted logs, the head's temp file and the dir; the rename; the removals.
    expect(kills).toBeGreaterThanOrEqual(8);
  }, 180_000);
});

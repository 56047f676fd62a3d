import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { BIN, makeSandbox, runCli } from '../helpers/cli.js';
import { logrotateOrSkip, rotate } from '../helpers/logrotate.js';
import { bigSshdLog as bigLog } from '../helpers/big-log.js';
import { savedState } from '../helpers/saved-state.js';

const NOW = '2026-11-21T12:00:00Z';
const CONFIG = sshdJailConfig({ findtime: '1h', maxretry: 6, bantime: '2h' });

function scanKilledAfter(box: ReturnType<typeof makeSandbox>, ms: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'scan', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW], {
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL' ? 'killed' : code === 0 ? 'finished' : 'killed');
    });
  });
}

// What a run leaves behind, with the sandbox's own path and inode numbers taken out so two
// sandboxes compare.
function outcome(box: ReturnType<typeof makeSandbox>) {
  const r = runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]);
  expect(r.code, r.stderr).toBe(0);
  const state = JSON.stringify(savedState(box.stateDir), null, 1);
  const neutral = state.replaceAll(box.dir, '$DIR').replace(/"(dev|ino|mtime)": [\d.]+/g, '"$1": 0');
  return { status: r.stdout.replaceAll(box.dir, '$DIR'), state: neutral };
}

// Lays out the same history in a sandbox: a first run, then more lines, a rotation with
// compression, and a big new log, so the next run catches up on a .gz and reads a big file.
function prepare(part1: string, part2: string, part3: string) {
  const box = makeSandbox(CONFIG);
  writeFileSync(box.path('auth.log'), part1);
  const first = runCli(['scan', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]);
  expect(first.code, first.stderr).toBe(0);
  box.append('auth.log', part2);
  rotate(box.dir, box.path('auth.log'), 'rotate 5\ncompress');
  writeFileSync(box.path('auth.log'), part3);
  return box;
}

const gate = logrotateOrSkip();

describe.skipIf(gate.skip)('exactly once under SIGKILL', () => {
  it('runs killed at many moments, then one that finishes, end where one clean run ends', async () => {
    const parts = [bigLog(1, 20_000), bigLog(2, 60_000), bigLog(3, 250_000)];
    const clean = prepare(parts[0]!, parts[1]!, parts[2]!);
    const t0 = process.hrtime.bigint();
    expect(runCli(['scan', '--config', clean.config, '--state-dir', clean.stateDir, '--now', NOW]).code).toBe(0);
    const cleanMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const expected = outcome(clean);
    expect(JSON.parse(expected.status).bans.length).toBeGreaterThan(10);

    const crashed = prepare(parts[0]!, parts[1]!, parts[2]!);
    let kills = 0;
    // Kill points spread from process start to past the clean run's length.
    for (let k = 1; k <= 24; k++) {
      if ((await scanKilledAfter(crashed, Math.round((cleanMs * 1.2 * k) / 24))) === 'killed') kills++;
    }
    expect(kills).toBeGreaterThan(5);
    expect(runCli(['scan', '--config', crashed.config, '--state-dir', crashed.stateDir, '--now', NOW]).code).toBe(0);
    const got = outcome(crashed);
    expect(got.status).toBe(expected.status);
    expect(got.state).toBe(expected.state);
  }, 120_000);
});

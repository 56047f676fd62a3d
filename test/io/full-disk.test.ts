import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSandbox, rootOrSkip, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const NOW = '2026-11-21T09:45:00Z';
const PAGE = 4096;
const gate = rootOrSkip();
const mounts: string[] = [];

afterAll(() => {
  for (const dir of mounts) spawnSync('umount', [dir]);
});

// A sandbox whose state dir is a small tmpfs of its own, holding the state of a first scan.
function sandboxOnTmpfs(options: string) {
  const sb = makeSandbox(sshdJailConfig());
  sb.append('auth.log', sshdFailure('09:40:00', '198.51.100.4'));
  mkdirSync(sb.stateDir);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `${options},mode=0700`, 'tmpfs', sb.stateDir], { encoding: 'utf8' });
  expect(mount.status, mount.stderr).toBe(0);
  mounts.push(sb.stateDir);
  expect(sb.scan(NOW).code).toBe(0);
  const statePath = join(sb.stateDir, 'state.json');
  return { sb, statePath, saved: readFileSync(statePath, 'utf8') };
}

// Writes `name` until the file system has no data block left.
function fillData(dir: string, name = 'filler'): void {
  const fd = openSync(join(dir, name), 'w');
  const block = Buffer.alloc(1024, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
}

// Creates empty files until the file system has no inode left.
function fillInodes(dir: string): void {
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `inode-${i}`), '');
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      return;
    }
  }
}

function expectOneLineFailure(sb: ReturnType<typeof makeSandbox>, message: string) {
  sb.append('auth.log', sshdFailure('09:41:00', '203.0.113.9').repeat(3));
  const r = sb.scan(NOW);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([`logban: ${message}`]);
  expect(r.code).toBe(1);
}

describe.skipIf(gate.skip)('a full state file system (a real tmpfs; needs root to mount it)', () => {
  it('no space for the new state: one line, the temp file removed, the old state kept, the next run catches up', () => {
    const { sb, statePath, saved } = sandboxOnTmpfs('size=64k');
    writeFileSync(join(sb.stateDir, 'spacer'), Buffer.alloc(PAGE));
    fillData(sb.stateDir);
    unlinkSync(join(sb.stateDir, 'spacer')); // one page left: enough for the lock, not for the state
    expectOneLineFailure(sb, `${statePath}: cannot save the state (no space left on device); free space (or inodes) on that file system; the previous state is kept`);
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'filler', 'state.json']);
    expect(readFileSync(statePath, 'utf8')).toBe(saved);
    rmSync(join(sb.stateDir, 'filler'));
    const again = sb.json(NOW);
    expect(again.newBans.map((b) => b.ip)).toEqual(['203.0.113.9']);
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'state.json']);
  });

  it('no space for the lock: one line, no lock file left, the state untouched', () => {
    const { sb, statePath, saved } = sandboxOnTmpfs('size=64k');
    fillData(sb.stateDir);
    expectOneLineFailure(sb, `${join(sb.stateDir, 'lock')}: cannot create the lock (no space left on device); free space (or inodes) on that file system; this run did nothing`);
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'filler', 'state.json']);
    expect(readFileSync(statePath, 'utf8')).toBe(saved);
  });

  it('no inode for the lock: the same one line, and nothing created', () => {
    const { sb, statePath, saved } = sandboxOnTmpfs('size=64k,nr_inodes=8');
    fillInodes(sb.stateDir);
    const before = readdirSync(sb.stateDir).sort();
    expectOneLineFailure(sb, `${join(sb.stateDir, 'lock')}: cannot create the lock (no space left on device); free space (or inodes) on that file system; this run did nothing`);
    expect(readdirSync(sb.stateDir).sort()).toEqual(before);
    expect(before).not.toContain('lock');
    expect(readFileSync(statePath, 'utf8')).toBe(saved);
  });
});

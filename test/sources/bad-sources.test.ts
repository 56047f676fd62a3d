import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { readCompleteLines } from '../../src/io/reader.js';
import { makeSandbox, sshdFailure, tempDir } from '../helpers/cli.js';
import { join } from 'node:path';

const NOW = '2026-11-21T10:00:00Z';
const CONFIG = sshdJailConfig({ findtime: '1h' });
const IP = '203.0.113.50';

function filler(n: number, tag: string): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `Nov 21 09:30:${String(i % 60).padStart(2, '0')} web1 CRON[${i}]: ${tag} session opened for user root\n`;
  return text;
}

// A sandbox whose first run has read one failure and some noise.
function afterFirstRun() {
  const box = makeSandbox(CONFIG);
  box.append('auth.log', filler(40, 'first') + sshdFailure('09:40:00', IP));
  expect(box.json(NOW).files[0]!.linesRead).toBe(41);
  return box;
}

describe('bad sources: a note, no crash, nothing readable lost', () => {
  it('a rotated file named .gz that is not gzip is read as text', () => {
    const box = afterFirstRun();
    box.append('auth.log', sshdFailure('09:41:00', IP));
    renameSync(box.path('auth.log'), box.path('auth.log.1.gz'));
    box.append('auth.log', filler(5, 'second') + sshdFailure('09:42:00', IP));
    const run = box.json(NOW);
    expect(run.files[0]!.rotated).toEqual([box.path('auth.log.1.gz')]);
    expect(run.newBans.map((b) => [b.ip, b.failures])).toEqual([[IP, 3]]);
  });

  it('a corrupt .gz among the rotated files: a warning naming it, the newer files still read', () => {
    const box = afterFirstRun();
    box.append('auth.log', filler(3000, 'more') + sshdFailure('09:41:00', IP));
    renameSync(box.path('auth.log'), box.path('auth.log.2'));
    spawnSync('gzip', ['-1', box.path('auth.log.2')]);
    const gz = readFileSync(box.path('auth.log.2.gz'));
    gz.fill(0x41, gz.length >> 1);
    writeFileSync(box.path('auth.log.2.gz'), gz);
    box.append('auth.log.1', sshdFailure('09:42:00', IP));
    box.append('auth.log', sshdFailure('09:43:00', IP));
    const text = box.scan(NOW);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`warning: ${box.path('auth.log.2.gz')}: (corrupt gzip data|gzip stream ends early)`));
    expect(text.stdout).toContain(IP); // 1 (first run) + auth.log.1 + auth.log = 3: banned
  });

  it('a log replaced by a directory, then by a symlink loop: a warning, the cursor kept', () => {
    const box = afterFirstRun();
    box.append('auth.log', sshdFailure('09:41:00', IP));
    renameSync(box.path('auth.log'), join(box.dir, 'kept'));
    mkdirSync(box.path('auth.log'));
    const dir = box.scan(NOW);
    expect(dir.code).toBe(0);
    expect(dir.stdout).toMatch(/auth\.log: not a regular file/);
    rmSync(box.path('auth.log'), { recursive: true });
    symlinkSync(box.path('loop-b'), box.path('loop-a'));
    symlinkSync(box.path('loop-a'), box.path('loop-b'));
    symlinkSync(box.path('loop-a'), box.path('auth.log'));
    const loop = box.scan(NOW);
    expect(loop.code).toBe(0);
    expect(loop.stdout).toMatch(/auth\.log: (symlink loop|not a regular file)/);
    // The file comes back: reading goes on from the saved offset, nothing counted twice.
    rmSync(box.path('auth.log'));
    renameSync(join(box.dir, 'kept'), box.path('auth.log'));
    box.append('auth.log', sshdFailure('09:42:00', IP));
    const back = box.json(NOW);
    expect(back.files[0]!.linesRead).toBe(2);
    expect(back.newBans.map((b) => [b.ip, b.failures])).toEqual([[IP, 3]]);
  });

  it('a file that shrinks while it is read: the reader stops at its new end without an error', () => {
    const dir = tempDir();
    const path = join(dir, 'auth.log');
    writeFileSync(path, 'one\ntwo\nthree\n');
    const fd = openSync(path, 'r');
    try {
      let text = '';
      // The size the reader was told (from an earlier fstat) is larger than the file now is.
      const out = readCompleteLines(fd, 0, 10_000, (t) => { text += t; });
      expect(text).toBe('one\ntwo\nthree\n');
      expect(out.endOffset).toBe(14);
    } finally {
      closeSync(fd);
    }
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';
import { failingDiskOrSkip, mountFailingDisk, type FailingDisk } from '../helpers/failing-disk.js';
import { rotate } from '../helpers/logrotate.js';
import { bigSshdLog } from '../helpers/big-log.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { savedState } from '../helpers/saved-state.js';

const NOW = '2026-11-21T12:00:00Z';
const CONFIG = sshdJailConfig({ findtime: '2h', maxretry: 4, bantime: '2h' });

type Box = ReturnType<typeof makeSandbox>;

// Bans and the saved state, with the log's directory and its inode numbers taken out so a log on
// the failing disk and one on a good disk compare.
function outcome(box: Box, logDir: string) {
  const r = runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]);
  expect(r.code, r.stderr).toBe(0);
  const state = JSON.stringify(savedState(box.stateDir), null, 1);
  const neutral = (s: string) => s.replaceAll(logDir, '$LOGS').replace(/"(dev|ino|mtime)": [\d.]+/g, '"$1": 0');
  return { status: neutral(r.stdout), state: neutral(state) };
}

function scan(box: Box, env: Record<string, string> = {}, extra: readonly string[] = []) {
  const r = runCli(['scan', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW, ...extra], { env });
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { files: { endOffset: number }[]; notes: { level: string; text: string }[] };
  const texts = (level: string) => out.notes.filter((n) => n.level === level).map((n) => n.text).join('\n');
  return { file: out.files[0]!, warnings: texts('warning'), infos: texts('info') };
}

const gate = failingDiskOrSkip();

describe.skipIf(gate.skip)('a log on a disk that fails part-way (real EIO through FUSE)', () => {
  let disk: FailingDisk;
  beforeAll(() => { disk = mountFailingDisk(); });
  afterAll(() => disk?.close());
  // Each test's logs in a directory of their own on the disk.
  const place = (name: string) => {
    mkdirSync(join(disk.backing, name));
    return { backing: join(disk.backing, name), mount: join(disk.mount, name) };
  };

  // A generated log on the disk in a directory of its own, whose bytes from 3,000,000 fail to read.
  const failingLog = (name: string, seed: number) => {
    const log = bigSshdLog(seed, 60_000);
    const { backing, mount } = place(name);
    writeFileSync(join(backing, 'auth.log'), log);
    const bad = 3_000_000;
    disk.fail(`${name}/auth.log`, bad, bad + 100);
    return { log, mount, bad, box: makeSandbox(CONFIG.replace('$DIR/auth.log', join(mount, 'auth.log'))) };
  };
  // The same log on a good disk, read in two runs split at `stop`: what the failing disk must end as.
  const twoRunsOnGoodDisk = (log: string, stop: number) => {
    const good = makeSandbox(CONFIG);
    writeFileSync(good.path('auth.log'), log.slice(0, stop));
    expect(scan(good).file.endOffset).toBe(stop);
    good.append('auth.log', log.slice(stop));
    expect(scan(good).file.endOffset).toBe(Buffer.byteLength(log));
    const expected = outcome(good, good.dir);
    expect(JSON.parse(expected.status).bans.length).toBeGreaterThan(10);
    return expected;
  };

  it('counts the lines before the failed read once, retries from there, and ends as two runs on a good disk do', () => {
    const { log, mount, bad, box: failing } = failingLog('plain', 1);
    const first = scan(failing);
    expect(first.warnings).toMatch(/auth\.log: read error at byte \d+ \(EIO: [^)]*\); the lines before byte \d+ are counted/);
    const stop = first.file.endOffset;
    expect(stop).toBeGreaterThan(1_000_000);
    expect(stop).toBeLessThanOrEqual(bad);
    expect(log[stop - 1]).toBe('\n');

    // Still failing: nothing new is counted, the cursor stays.
    const again = scan(failing);
    expect(again.warnings).toMatch(/read error/);
    expect(again.file.endOffset).toBe(stop);

    disk.heal('plain/auth.log');
    const healed = scan(failing);
    expect(healed.warnings).toBe('');
    expect(healed.file.endOffset).toBe(Buffer.byteLength(log));

    expect(outcome(failing, mount)).toEqual(twoRunsOnGoodDisk(log, stop));
  }, 60_000);

  it('read on several threads: the parts after the failed read are not counted, and the healed disk ends as two runs on a good disk do', () => {
    const { log, mount, bad, box: failing } = failingLog('threads', 2);
    const first = scan(failing, {}, ['--threads', '3']);
    expect(first.warnings).toMatch(/auth\.log: read error at byte \d+ \(EIO: [^)]*\); the lines before byte \d+ are counted/);
    expect(first.infos).toMatch(/auth\.log: \d+ bytes read on 3 threads/);
    const stop = first.file.endOffset;
    expect(stop).toBeGreaterThan(bad - (1 << 20));
    expect(stop).toBeLessThanOrEqual(bad);
    expect(log[stop - 1]).toBe('\n');
    disk.heal('threads/auth.log');
    expect(scan(failing, {}, ['--threads', '3']).file.endOffset).toBe(Buffer.byteLength(log));
    expect(outcome(failing, mount)).toEqual(twoRunsOnGoodDisk(log, stop));
  }, 60_000);

  // Both inflaters: the zlib-sync addon, and node:zlib where the addon could not be built.
  it.each([['zlib-sync', {}], ['node:zlib', { LOGBAN_GZIP: 'node' }]] as const)('stops a catch-up at a rotated .gz that fails part-way (%s), and goes on from there when the disk heals', (name, env) => {
    // No bans (maxretry far above any count): the state then holds every failure counted.
    const config = sshdJailConfig({ findtime: '2h', maxretry: 100_000, bantime: '2h' });
    const [part1, part2, part3] = [bigSshdLog(11, 5_000), bigSshdLog(12, 80_000), bigSshdLog(13, 3_000)];
    const history = (dir: string, box: Box) => {
      writeFileSync(join(dir, 'auth.log'), part1);
      expect(scan(box, env).file.endOffset).toBe(part1.length);
      writeFileSync(join(dir, 'auth.log'), part1 + part2);
      rotate(dir, join(dir, 'auth.log'), 'rotate 3\ncompress');
      writeFileSync(join(dir, 'auth.log'), part3);
    };
    const good = makeSandbox(config);
    history(good.dir, good);
    expect(scan(good, env).file.endOffset).toBe(part3.length);
    const expected = outcome(good, good.dir);

    const { backing, mount } = place(`gz-${name}`);
    const failing = makeSandbox(config.replace('$DIR/auth.log', join(mount, 'auth.log')));
    history(backing, failing);
    const gz = readFileSync(join(backing, 'auth.log.1.gz'));
    disk.fail(`gz-${name}/auth.log.1.gz`, gz.length >> 1, (gz.length >> 1) + 10);
    const r = runCli(['scan', '--json', '--config', failing.config, '--state-dir', failing.stateDir, '--now', NOW], { env });
    expect(r.code, r.stderr).toBe(0);
    const warnings = (JSON.parse(r.stdout) as { notes: { level: string; text: string }[] }).notes.filter((n) => n.level === 'warning');
    const state = JSON.parse(readFileSync(join(failing.stateDir, 'state.json'), 'utf8')) as { files: Record<string, { inFile?: string; offset: number }> };
    const cursor = state.files[join(mount, 'auth.log')]!;
    if (cursor.inFile === undefined) {
      // The read failed before the .gz could even be told to be the old log: nothing was
      // counted, the cursor stays where the last run left it.
      expect(warnings.map((n) => n.text).join('\n')).toMatch(/auth\.log: could not read the head of \S+auth\.log\.1\.gz: read error .*EIO.*; nothing was counted from it this run/);
      expect(cursor.offset).toBe(part1.length);
    } else {
      expect(warnings.map((n) => n.text).join('\n')).toMatch(/auth\.log\.1\.gz: read error (?:at byte \d+ of the file )?\(EIO: [^)]*\); the rest is read next run/);
      expect(cursor.inFile).toBe(join(mount, 'auth.log.1.gz'));
      expect(cursor.offset).toBeGreaterThanOrEqual(part1.length);
    }

    disk.heal(`gz-${name}/auth.log.1.gz`);
    expect(scan(failing, env).warnings).toBe('');
    expect(outcome(failing, mount)).toEqual(expected);
  }, 60_000);
});

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './cli.js';

const SCRIPT = join(ROOT, 'test/helpers/failing-disk.py');
const PYTHON = '/usr/bin/python3';

// The failing disk needs root, /dev/fuse and Debian's python3-fusepy: it skips with a reason on a
// developer's machine and fails under CI, which installs them.
export function failingDiskOrSkip(): { skip: boolean; reason: string } {
  const missing = process.getuid?.() !== 0 ? 'root (to mount a FUSE file system)'
    : !existsSync('/dev/fuse') ? '/dev/fuse'
    : spawnSync(PYTHON, ['-c', 'import fusepy']).status !== 0 ? 'python3-fusepy (apt-get install python3-fusepy)'
    : null;
  if (missing && process.env['CI']) throw new Error(`the read-error tests need ${missing} under CI`);
  return { skip: missing !== null, reason: `needs ${missing}` };
}

export type FailingDisk = {
  /** Where the backing files show up (read-only). */
  readonly mount: string;
  /** Where the test writes the files. */
  readonly backing: string;
  /** Reads of `name` touching bytes [start, end) fail with EIO from now on. */
  readonly fail: (name: string, start: number, end: number) => void;
  readonly heal: (name: string) => void;
  readonly close: () => void;
};

function isMounted(dir: string): boolean {
  return spawnSync('mountpoint', ['-q', dir]).status === 0;
}

// Mounts a fresh failing disk; waits (bounded) until the kernel shows the mount.
export function mountFailingDisk(): FailingDisk {
  const dir = tempDir('logban-disk-');
  const backing = join(dir, 'backing');
  const mount = join(dir, 'mnt');
  mkdirSync(backing);
  mkdirSync(mount);
  const child: ChildProcess = spawn(PYTHON, [SCRIPT, backing, mount], { stdio: 'ignore' });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 200 && !isMounted(mount); i++) Atomics.wait(pause, 0, 0, 25);
  if (!isMounted(mount)) {
    child.kill('SIGKILL');
    throw new Error(`the failing disk did not mount on ${mount}`);
  }
  return {
    mount, backing,
    fail: (name, start, end) => writeFileSync(join(backing, `${name}.bad`), `${start} ${end}\n`),
    heal: (name) => rmSync(join(backing, `${name}.bad`), { force: true }),
    close: () => {
      spawnSync('umount', [mount]);
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

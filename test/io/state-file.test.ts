import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, serializeState, type State } from '../../src/core/state.js';
import { acquireLock } from '../../src/io/lock.js';
import { createStateStore } from '../../src/io/state-store.js';
import { makeSandbox, runCli, sshdFailure, tempDir } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const NOW = '2026-11-21T09:45:00Z';
const STATE: State = { ...EMPTY_STATE, bans: [{ ip: '203.0.113.9', jail: 'sshd', bannedAt: 10, expiresAt: null, failures: 3, firstSeen: 1, lastSeen: 9, evidence: [] }] };

// A state dir (0700, as mkdtemp makes it) and, outside it, a file a planted link points to.
function dirs() {
  const dir = tempDir('logban-state-');
  const victim = join(tempDir('logban-victim-'), 'passwd');
  writeFileSync(victim, 'root:x:0:0:root:/root:/bin/bash\n');
  return { dir, victim, missing: join(victim, '..', 'created-by-logban') };
}

describe('the temp file and the lock are created new, never through a link', () => {
  it.each(['a link to a file', 'a dangling link', 'a leftover file'])('%s at the temp name is removed and the state saved', (kind) => {
    const { dir, victim, missing } = dirs();
    const tmp = join(dir, `state.json.tmp-${process.pid}`);
    if (kind === 'a link to a file') symlinkSync(victim, tmp);
    else if (kind === 'a dangling link') symlinkSync(missing, tmp);
    else writeFileSync(tmp, 'half a state');
    createStateStore(dir).save(STATE, EMPTY_STATE);
    expect(readFileSync(victim, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(existsSync(missing)).toBe(false);
    expect(lstatSync(join(dir, 'state.json')).isFile()).toBe(true);
    expect(createStateStore(dir).load()).toEqual(STATE);
    expect(readdirSync(dir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'state.json']);
  });

  it.each(['a link to a file', 'a dangling link'])('%s planted as the lock is not written through', (kind) => {
    const { dir, victim, missing } = dirs();
    symlinkSync(kind === 'a dangling link' ? missing : victim, join(dir, 'lock'));
    const release = acquireLock(dir);
    expect(lstatSync(join(dir, 'lock')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    release();
    expect(readdirSync(dir)).toEqual([]);
    expect(readFileSync(victim, 'utf8')).toBe('root:x:0:0:root:/root:/bin/bash\n');
    expect(existsSync(missing)).toBe(false);
  });
});

describe('a state.json that is not a regular file is refused with one line', () => {
  function sandboxWithState(make: (path: string) => void) {
    const sb = makeSandbox(sshdJailConfig());
    sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9').repeat(3));
    mkdirSync(sb.stateDir, { mode: 0o700 });
    const path = join(sb.stateDir, 'state.json');
    make(path);
    return { sb, path };
  }

  function expectRefused(sb: ReturnType<typeof makeSandbox>, message: string) {
    for (const command of ['scan', 'status']) {
      const r = runCli([command, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([`logban: ${message}`]);
      expect(r.code).toBe(1);
    }
    expect(readdirSync(sb.stateDir)).toEqual(['state.json']);
  }

  it('a dangling link is an error naming it, never a first run', () => {
    const { sb, path } = sandboxWithState((p) => symlinkSync('/nonexistent/state.json', p));
    expectRefused(sb, `${path}: the state file is a symbolic link to /nonexistent/state.json, which does not exist; the bans and offsets are not there: restore the file from a backup, or remove the link to start over`);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it('a link to a good state file is refused too', () => {
    const real = join(tempDir('logban-elsewhere-'), 'state.json');
    writeFileSync(real, serializeState(STATE));
    const { sb, path } = sandboxWithState((p) => symlinkSync(real, p));
    expectRefused(sb, `${path}: the state file is a symbolic link (to ${real}); logban does not follow links in its state dir: put the file itself in its place`);
    expect(readFileSync(real, 'utf8')).toBe(serializeState(STATE));
  });

  it.each([
    ['a directory', (p: string) => mkdirSync(p)],
    ['a FIFO', (p: string) => expect(spawnSync('mkfifo', [p]).status).toBe(0)],
  ])('%s', (kind, make) => {
    const { sb, path } = sandboxWithState(make);
    expectRefused(sb, `${path}: the state file is ${kind}, not a regular file; move it away (logban then starts over) or restore the file from a backup`);
  });
});

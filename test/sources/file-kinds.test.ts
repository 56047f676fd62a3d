import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, makeSandbox, sshdFailure } from '../helpers/cli.js';

// A configured log path that is there but is no regular file gets one warning naming it and the
// fix; a FIFO is never opened (open() would wait for a writer and hang the cron run forever).
const NOW = '2026-11-21T10:00:00Z';
const IP = '203.0.113.50';
// Far longer than a run takes, far shorter than the test's own timeout: a hang shows as a kill.
const GUARD_MS = 15_000;

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

function run(args: readonly string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: GUARD_MS, killSignal: 'SIGKILL', env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

type Notes = { notes: { level: string; text: string }[]; files: { path: string; linesRead: number }[]; newBans: { ip: string; failures: number }[] };

function scanJson(sb: ReturnType<typeof makeSandbox>): Notes {
  const r = run(['scan', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
  expect(r.signal, 'the run was killed: it hung').toBeNull();
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Notes;
}

const config = (paths: readonly string[], second = false) => `
[defaults]
findtime = "1h"
maxretry = 3

[firewall]
backend = "none"

[jails.sshd]
logpath = ${JSON.stringify(paths.map((p) => `$DIR/${p}`))}
rules = ["sshd"]
${second ? `\n[jails.sshd-too]\nlogpath = ${JSON.stringify(paths.map((p) => `$DIR/${p}`))}\nrules = ["sshd"]\n` : ''}`;

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.stderr}`);
}

const warnings = (n: Notes) => n.notes.filter((x) => x.level === 'warning').map((x) => x.text);

describe('log paths that are no regular file', () => {
  it('a FIFO: one warning naming it and the fix, never opened, the run ends', () => {
    const sb = makeSandbox(config(['auth.log']));
    mkfifo(sb.path('auth.log'));
    const out = scanJson(sb);
    expect(warnings(out)).toEqual([`${sb.path('auth.log')}: not a regular file (a FIFO, named pipe): logban never reads from a pipe; point logpath at the log file the daemon writes`]);
    expect(out.files).toEqual([]);
  }, 30_000);

  it('a log that became a FIFO after a run: a warning, never opened, the offset kept for when the file is back', () => {
    const sb = makeSandbox(config(['auth.log']));
    sb.append('auth.log', sshdFailure('09:40:00', IP));
    expect(scanJson(sb).files[0]!.linesRead).toBe(1);
    sb.append('auth.log', sshdFailure('09:41:00', IP));
    renameSync(sb.path('auth.log'), sb.path('kept'));
    mkfifo(sb.path('auth.log'));
    const out = scanJson(sb);
    expect(warnings(out)).toEqual([expect.stringMatching(/auth\.log: not a regular file \(a FIFO, named pipe\)/)]);
    rmSync(sb.path('auth.log'));
    renameSync(sb.path('kept'), sb.path('auth.log'));
    sb.append('auth.log', sshdFailure('09:42:00', IP));
    const back = scanJson(sb);
    expect(back.files[0]!.linesRead).toBe(2);
    expect(back.newBans.map((b) => [b.ip, b.failures])).toEqual([[IP, 3]]);
  }, 30_000);

  it('a directory: one warning with the glob to use instead', () => {
    const sb = makeSandbox(config(['logs']));
    mkdirSync(sb.path('logs'));
    expect(warnings(scanJson(sb))).toEqual([`${sb.path('logs')}: not a regular file (a directory): point logpath at the log file in it, or at a glob such as ${sb.path('logs')}/*.log`]);
  }, 30_000);

  it('a symlink loop: one warning naming it', () => {
    const sb = makeSandbox(config(['auth.log']));
    symlinkSync(sb.path('loop-b'), sb.path('loop-a'));
    symlinkSync(sb.path('loop-a'), sb.path('loop-b'));
    symlinkSync(sb.path('loop-a'), sb.path('auth.log'));
    expect(warnings(scanJson(sb))).toEqual([`${sb.path('auth.log')}: symlink loop: fix the link (ls -l shows where it points)`]);
  }, 30_000);

  it('one warning per path however many jails name it; the other logs are still read', () => {
    const sb = makeSandbox(config(['pipe', 'auth.log'], true));
    mkfifo(sb.path('pipe'));
    sb.append('auth.log', sshdFailure('09:40:00', IP));
    const out = scanJson(sb);
    expect(warnings(out)).toEqual([expect.stringMatching(/pipe: not a regular file \(a FIFO/)]);
    expect(out.files.map((f) => [f.path, f.linesRead])).toEqual([[sb.path('auth.log'), 1]]);
  }, 30_000);

  it('a missing log is still "no log file found"', () => {
    const sb = makeSandbox(config(['auth.log']));
    expect(warnings(scanJson(sb))).toEqual([`jail sshd: no log file found (${sb.path('auth.log')})`]);
  }, 30_000);

  it('test and stats on a FIFO end with one line naming it, without waiting for a writer', () => {
    const sb = makeSandbox(config(['auth.log']));
    mkfifo(sb.path('auth.log'));
    const test = run(['test', sb.path('auth.log'), 'sshd']);
    expect(test.signal, 'logban test hung').toBeNull();
    expect(test.code).toBe(1);
    expect(test.stderr.trim().split('\n')).toEqual([expect.stringMatching(/auth\.log.*not a regular file/)]);
    const stats = run(['stats', sb.path('auth.log')]);
    expect(stats.signal, 'logban stats hung').toBeNull();
    expect(stats.code).toBe(2);
    expect(stats.stderr.trim().split('\n')).toEqual([expect.stringMatching(/auth\.log: not a regular file \(a FIFO/)]);
  }, 30_000);
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { interleavedSshdLog } from '../helpers/interleaved-log.js';

// A big log may be read on several threads: cut at line starts into parts, each classified on a
// thread of its own, the records counted on one in file order. Whatever the number of threads,
// every answer must be the one a single thread gives, also for attempts whose lines lie on both
// sides of a cut (the generated log's connections overlap, so every cut falls inside some).
const NOW = '2026-11-21T12:00:00Z';
const dir = tempDir('logban-threads-');
const log = join(dir, 'auth.log');
writeFileSync(log, interleavedSshdLog(20261204, 12000));

const run = (args: string[]) => {
  const r = runCli([...args, '--now', NOW]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};

describe('reading on several threads gives what one thread gives', () => {
  it('test --json: the same lines, matches, attempts and line numbers on 1, 2 and 3 threads', () => {
    const one = JSON.parse(run(['test', log, 'sshd', '--json', '--threads', '1']));
    expect(one.matched).toBeGreaterThan(5000);
    expect(one.ignored).toBeGreaterThan(100);
    for (const threads of ['2', '3']) expect(JSON.parse(run(['test', log, 'sshd', '--json', '--threads', threads]))).toEqual(one);
  });

  it('test: the text report (attempts, pattern and date hits, missed samples) is the same, and says the threads', () => {
    const strip = (t: string) => t.replace(/\[processed in [^\]]*\]/, '');
    const one = run(['test', log, 'sshd', '--threads', '1']);
    const two = run(['test', log, 'sshd', '--threads', '2']);
    expect(one).toContain('[processed in');
    expect(one).not.toContain('threads]');
    expect(two).toMatch(/\[processed in [\d.]+ sec on 2 threads\]/);
    expect(strip(two)).toBe(strip(one));
    expect(one).toMatch(/Attempts: \d+/);
  });

  it('stats --json: the same counts per address, subnet and day', () => {
    const one = run(['stats', log, '--json', '--threads', '1']);
    expect(JSON.parse(one).ips.length).toBeGreaterThan(100);
    expect(run(['stats', log, '--json', '--threads', '2'])).toBe(one);
  });

  it('scan: the same bans, evidence, pending failures and saved state with permanent bans', () => {
    const config = join(dir, 'logban.toml');
    writeFileSync(config, `[firewall]\nbackend = "none"\n[jails.sshd]\nlogpath = ["${log}"]\nrules = ["sshd"]\nfindtime = "1h"\nmaxretry = 4\nbantime = "permanent"\n`);
    const scan = (threads: string) => {
      const state = join(dir, `state-${threads}`);
      const json = JSON.parse(run(['scan', '--config', config, '--state-dir', state, '--json', '--threads', threads]));
      const verbose = run(['scan', '--config', config, '--state-dir', join(dir, `dry-${threads}`), '--dry-run', '--verbose', '--threads', threads]);
      const status = JSON.parse(run(['status', '--config', config, '--state-dir', state, '--json']));
      return { json, verbose, status };
    };
    const one = scan('1');
    const two = scan('2');
    expect(one.json.newBans.length).toBeGreaterThan(20);
    expect(one.status.failures.length).toBeGreaterThan(0);
    const onThreads = (n: { text: string }) => /bytes read on \d+ threads$/.test(n.text);
    expect(two.json.notes.filter(onThreads)).toHaveLength(1);
    expect(one.json.notes.filter(onThreads)).toHaveLength(0);
    expect({ ...two.json, notes: two.json.notes.filter((n: { text: string }) => !onThreads(n)) }).toEqual(one.json);
    expect(two.status).toEqual(one.status);
    expect(two.verbose).toMatch(/bytes read on 2 threads/);
    expect(one.verbose).not.toMatch(/read on \d+ threads/);
    expect(readFileSync(join(dir, 'state-2', 'state.json'), 'utf8').length).toBeGreaterThan(0);
  });
});

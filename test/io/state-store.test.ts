import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { State } from '../../src/core/state.js';
import { createStateStore } from '../../src/io/state-store.js';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';
import { savedState } from '../helpers/saved-state.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';

const NOW = '2026-11-21T09:45:00Z';
const T = Date.parse(NOW) / 1000;
const CONFIG = sshdJailConfig({ bantime: '1d', extra: '[report]\nwhois = false\n' });

// A version-1 state.json with every field an older logban wrote: cursors (one inside a .gz),
// windows with folded failures, open attempts, journal cursors, the boot, bans with evidence,
// past bans, whois answers.
function v1State(log: string): State {
  return {
    version: 1,
    files: {
      [log]: { offset: 0, dev: 1, ino: 2, head: 'h1', headLen: 1024, tail: 't1', readAt: T - 60, mtime: 1.5 },
      '/var/log/old.log': { offset: 77, dev: 1, ino: 3, inFile: '/var/log/old.log.1.gz', readAt: T - 120 },
    },
    windows: { sshd: { '198.51.100.7': { times: [T - 30, T - 20], evidence: ['line a', 'line b'], later: { count: 3, last: T - 10 } } } },
    bans: [
      { ip: '203.0.113.9', jail: 'sshd', bannedAt: T - 600, expiresAt: T + 3600, failures: 6, firstSeen: T - 900, lastSeen: T - 601, evidence: ['ev 1', 'ev 2 ünïcode'] },
      { ip: '2001:db8::5', jail: 'manual', bannedAt: T - 60, expiresAt: null, failures: 0, firstSeen: T - 60, lastSeen: T - 60, evidence: [] },
    ],
    carry: { sshd: { [log]: [{ id: 'c1', keyed: true, ip: '192.0.2.4', user: 'root', pending: [{ ip: '192.0.2.4', time: T - 5, pattern: 0, line: 'x', role: 'fail', key: 'k' }], settled: null, last: T - 5 }] } },
    journals: { 'sshd ssh.service': 's=abc;i=1' },
    bootId: 'boot-1',
    history: { sshd: { '203.0.113.9': { count: 2, until: T + 3600 } } },
    whois: { '203.0.113.9': { country: 'NL', netname: 'EXAMPLE-NET', org: null, abuse: 'abuse@example.net', at: T - 600 } },
  };
}

function sandboxWithV1() {
  const sb = makeSandbox(CONFIG);
  sb.append('auth.log', '');
  mkdirSync(sb.stateDir, { mode: 0o700 });
  const state = v1State(sb.path('auth.log'));
  const text = JSON.stringify(state, null, 1);
  writeFileSync(join(sb.stateDir, 'state.json'), text);
  return { sb, state, text };
}

const status = (sb: ReturnType<typeof makeSandbox>) => runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'latin1')]));

describe('a version-1 state.json is moved into the store', () => {
  it('every field is carried over by the store, and the old file is kept whole', () => {
    const { sb, state, text } = sandboxWithV1();
    const store = createStateStore(sb.stateDir);
    const view = store.loadHead();
    expect(view.fromV1).toBe(true);
    store.save(view.state, view.state);
    expect(savedState(sb.stateDir)).toEqual(state);
    expect(readFileSync(join(sb.stateDir, 'state.v1.json'), 'utf8')).toBe(text);
    expect(JSON.parse(readFileSync(join(sb.stateDir, 'state.json'), 'utf8')).version).toBe(2);
  });

  it('the first scan moves it (status the same before and after), and a second one reads the store', () => {
    const { sb, state, text } = sandboxWithV1();
    const before = status(sb);
    expect(before.code, before.stderr).toBe(0);
    const r = sb.scan(NOW, '--dry-run');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(sb.stateDir, 'state.json'), 'utf8')).toBe(text);
    expect(sb.scan(NOW).code).toBe(0);
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.1.log', 'evidence.1.log', 'state.json', 'state.v1.json', 'whois.1.json']);
    expect(status(sb).stdout).toBe(before.stdout);
    const moved = savedState(sb.stateDir);
    expect(moved.bans).toEqual(state.bans);
    expect(moved.history).toEqual(state.history);
    expect(moved.whois).toEqual(state.whois);
    expect(moved.journals).toEqual(state.journals);
    expect(moved.bootId).not.toBe(undefined);
    sb.append('auth.log', sshdFailure('09:44:00', '192.0.2.99'));
    expect(sb.scan(NOW).code).toBe(0);
    expect(readFileSync(join(sb.stateDir, 'state.v1.json'), 'utf8')).toBe(text);
  });
});

// A store with two bans (one with evidence), then the file `damage` spoils; every command that
// reads that file says which file and what to do, exits 1, and leaves every file as it was.
function damagedStore(damage: (dir: string) => void, commands: readonly (readonly string[])[], message: RegExp) {
  const sb = makeSandbox(CONFIG);
  sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9').repeat(5) + sshdFailure('09:41:00', '198.51.100.4').repeat(5));
  expect(sb.scan(NOW).code).toBe(0);
  damage(sb.stateDir);
  const files = filesOf(sb.stateDir);
  sb.append('auth.log', sshdFailure('09:42:00', '192.0.2.44').repeat(5));
  for (const args of commands) {
    const r = runCli([...args, '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    expect(r.stderr, args.join(' ')).toMatch(message);
    expect(r.code, args.join(' ')).toBe(1);
    expect(filesOf(sb.stateDir)).toEqual(files);
  }
}

const spoil = (file: RegExp, how: (path: string) => void) => (dir: string) => how(join(dir, readdirSync(dir).find((f) => file.test(f))!));
const replaceByte = (path: string) => {
  const b = readFileSync(path);
  b[b.indexOf('[') + 1] = 0x7b;
  writeFileSync(path, b);
};

describe('a damaged store is reported with its path, never reset', () => {
  it.each([
    ['the head is not JSON', spoil(/^state\.json$/, (p) => writeFileSync(p, '{\n "version": 2,\n "files": {,\n}')), [['scan'], ['status'], ['report', '203.0.113.9']], /state\.json:3: not valid JSON/],
    ['the head has the wrong shape', spoil(/^state\.json$/, (p) => writeFileSync(p, readFileSync(p, 'utf8').replace('"live"', '"alive"'))), [['scan'], ['status']], /state\.json: "bans" is damaged/],
    ['a ban record is spoilt', spoil(/^bans\./, replaceByte), [['scan'], ['status'], ['ban', '192.0.2.200'], ['report', '198.51.100.4']], /bans\.1\.log:1: not valid JSON; the file was left as it is/],
    ['the ban log is cut short', spoil(/^bans\./, (p) => truncateSync(p, statSync(p).size - 3)), [['scan'], ['status']], /bans\.1\.log: is shorter \(\d+ bytes\) than the state's head says/],
    ['the ban log is gone', spoil(/^bans\./, unlinkSync), [['scan'], ['status']], /bans\.1\.log: this file of the state is missing/],
    ['an evidence record is spoilt', spoil(/^evidence\./, replaceByte), [['report', '203.0.113.9'], ['report', '192.0.2.1']], /evidence\.1\.log:1: not an evidence record/],
    ['the evidence log is gone', spoil(/^evidence\./, unlinkSync), [['scan'], ['status']], /evidence\.1\.log: this file of the state is missing/],
    ['the ban log is a link', spoil(/^bans\./, (p) => { renameSync(p, `${p}.real`); symlinkSync(`${p}.real`, p); }), [['scan'], ['status']], /bans\.1\.log: is not a regular file/],
  ])('%s', (_name, damage, commands, message) => {
    damagedStore(damage, commands, message);
  });

  it('spoilt whois answers are named by the report that reads them', () => {
    const { sb } = sandboxWithV1();
    expect(sb.scan(NOW).code).toBe(0);
    writeFileSync(join(sb.stateDir, 'whois.1.json'), '{"203.0.113.9": 5}');
    const r = runCli(['report', '203.0.113.9', '--no-whois', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect([r.code, r.stderr.trim()]).toEqual([1, expect.stringMatching(/whois\.1\.json: not whois answers; the file was left as it is/)]);
  });
});

describe('what a run reads', () => {
  it('a run with nothing new never reads the ban log; one with a new line does', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9').repeat(5));
    expect(sb.scan(NOW).code).toBe(0);
    // Same size, other bytes: only a run that parses the ban log can notice.
    replaceByte(join(sb.stateDir, 'bans.1.log'));
    const quiet = sb.scan(NOW);
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);
    sb.append('auth.log', sshdFailure('09:42:00', '192.0.2.44'));
    const busy = sb.scan(NOW);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/bans\.1\.log:1: not valid JSON/);
  });

  it('a commit appends only what changed; dead records are compacted away under a new name', () => {
    const sb = makeSandbox(CONFIG);
    mkdirSync(sb.stateDir, { mode: 0o700 });
    const ban = (i: number) => ({ ip: `2001:db8::${(i + 1).toString(16)}`, jail: 'sshd', bannedAt: T, expiresAt: T + 60, failures: 5, firstSeen: T - 9, lastSeen: T - 1, evidence: [`line ${i}`] });
    const empty: State = { version: 1, files: {}, windows: {}, bans: [] };
    const first: State = { ...empty, bans: Array.from({ length: 5000 }, (_, i) => ban(i)) };
    createStateStore(sb.stateDir).save(first, empty);
    const size = statSync(join(sb.stateDir, 'bans.1.log')).size;
    // One more ban: one more line, the rest untouched.
    const store = createStateStore(sb.stateDir);
    const more: State = { ...first, bans: [...first.bans, ban(5000)] };
    store.save(more, store.load());
    const log = readFileSync(join(sb.stateDir, 'bans.1.log'), 'utf8');
    expect(log.length - size).toBe(log.slice(size).length);
    expect(log.slice(size).trim().split('\n')).toHaveLength(1);
    // All lifted but one: 10,001 records and 5,001 evidence lines for one ban in force, so the logs are written anew.
    const again = createStateStore(sb.stateDir);
    again.save({ ...empty, bans: [ban(7)] }, again.load());
    expect(readdirSync(sb.stateDir).sort()).toEqual(['bans.3.log', 'evidence.3.log', 'state.json']);
    expect(readFileSync(join(sb.stateDir, 'bans.3.log'), 'utf8').trim().split('\n')).toHaveLength(1);
    expect(savedState(sb.stateDir).bans).toEqual([ban(7)]);
  });

  it('a reader that finds the ban log replaced by a commit since it read the head reads the new head', () => {
    const sb = makeSandbox(CONFIG);
    mkdirSync(sb.stateDir, { mode: 0o700 });
    const ban = (i: number) => ({ ip: `2001:db8::${(i + 1).toString(16)}`, jail: 'sshd', bannedAt: T, expiresAt: T + 60, failures: 5, firstSeen: T - 9, lastSeen: T - 1, evidence: [] });
    const empty: State = { version: 1, files: {}, windows: {}, bans: [] };
    createStateStore(sb.stateDir).save({ ...empty, bans: Array.from({ length: 5000 }, (_, i) => ban(i)) }, empty);
    const reader = createStateStore(sb.stateDir);
    expect(reader.loadHead().live).toBe(5000);
    const writer = createStateStore(sb.stateDir);
    writer.save({ ...empty, bans: [ban(1)] }, writer.load());
    expect(readdirSync(sb.stateDir)).not.toContain('bans.1.log');
    expect(reader.load().bans).toEqual([ban(1)]);
  });
});

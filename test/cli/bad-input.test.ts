import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { savedState } from '../helpers/saved-state.js';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';

const CONFIG = `
[defaults]
maxretry = 3

[firewall]
backend = "none"

[jails.sshd]
logpath = ["$DIR/auth.log", "$DIR/secure"]
rules = ["sshd"]
`;
const NOW = '2026-11-21T09:45:00Z';
const fail = sshdFailure;
const three = (ip: string) => fail('09:40:00', ip) + fail('09:40:01', ip) + fail('09:40:02', ip);

describe('bad logs do not crash the run', () => {
  it('binary junk, NUL bytes, invalid UTF-8 and a 1 MB line between real failures', () => {
    const sb = makeSandbox(CONFIG);
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
    const parts = [
      Buffer.from(fail('09:40:00', '203.0.113.9')),
      junk,
      Buffer.from('\n\u0000\u0000\u0000 sshd[1]: Failed password for root from 198.51.100.1 port 1 ssh2\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]),
      Buffer.from(`Nov 21 09:40:00 web1 sshd[1]: Failed password for ${'x'.repeat(1_100_000)} from 198.51.100.2 port 1 ssh2\n`),
      Buffer.from(`Nov 21 09:40:01 web1 sshd[1]: Failed password for \u00e9\u00e8\u4e2d from 203.0.113.9 port 1 ssh2\n`),
      Buffer.from('Nov 21 09:40:02 web1 sshd[1]: Failed password for '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(' from 203.0.113.9 port 1 ssh2\n'),
    ];
    writeFileSync(sb.path('auth.log'), Buffer.concat(parts));
    const r = sb.json(NOW);
    expect(r.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.9', 3]]);
    expect(r.newBans[0]!.evidence[1]).toContain('\u00e9\u00e8\u4e2d');
    expect(r.files[0]!.endOffset).toBe(readFileSync(sb.path('auth.log')).length);
  });

  it('a log file that is missing is a note, not a crash; a jail with no log at all is a warning', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', three('203.0.113.9'));
    const r = runCli(['scan', '--verbose', '--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${sb.path('secure')} not found`);
    const empty = makeSandbox(CONFIG);
    const quiet = empty.scan(NOW);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('warning: jail sshd: no log file found');
  });

  it('a log path that is a directory is reported, and the other logs are still read', () => {
    const sb = makeSandbox(CONFIG);
    mkdirSync(sb.path('secure'));
    sb.append('auth.log', three('203.0.113.9'));
    const r = sb.scan(NOW, '--verbose');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('203.0.113.9');
    expect(r.stdout).toContain(`warning: ${sb.path('secure')}: not a regular file (a directory)`);
  });
});

describe('config errors exit 2 with file:line', () => {
  it.each([
    ['a TOML syntax error', '[defaults]\nmaxretry = \n', ':2'],
    ['an unknown setting', '[defaults]\nmaxretry = 3\nmaxretries = 4\n', ':3'],
    ['a bad duration', '[jails.sshd]\nlogpath = ["/x"]\nrules = ["sshd"]\nfindtime = "ten"\n', ':4'],
    ['an unknown rule', '[jails.sshd]\nlogpath = ["/x"]\nrules = ["nope"]\n', ':3'],
    ['a regex that does not compile', "[jails.web]\nlogpath = [\"/x\"]\nfailregex = ['^<HOST> (']\n", ':3'],
    ['a regex without <HOST>', "[jails.web]\nlogpath = [\"/x\"]\nfailregex = ['^GET /wp-login']\n", ':3'],
    ['a bad ignoreip', '[defaults]\nignoreip = ["10.0.0.0/40"]\n', ':2'],
    ['a bad backend', '[firewall]\nbackend = "pf"\n', ':2'],
  ])('%s', (_name, body, line) => {
    const sb = makeSandbox(body);
    const r = sb.scan(NOW);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${sb.config}${line}:`);
  });

  it('a regex error names the jail and the pattern', () => {
    const sb = makeSandbox("[jails.web]\nlogpath = [\"/x\"]\nfailregex = ['^<HOST> (']\n");
    expect(sb.scan(NOW).stderr).toMatch(/jail "web": pattern '\^<HOST> \('/);
  });

  it('a missing --config file is exit 2', () => {
    const r = runCli(['scan', '--config', '/nonexistent/logban.toml', '--state-dir', '/tmp/none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/logban.toml');
  });

  it('usage errors are exit 2', () => {
    expect(runCli(['scan', '--bogus']).code).toBe(2);
    expect(runCli(['scan', '--max-bans', 'x', '--config', '/dev/null']).code).toBe(2);
    expect(runCli(['scan', '--now', 'yesterday', '--config', '/dev/null']).code).toBe(2);
  });

  it('LOGBAN_CONFIG and LOGBAN_STATE_DIR stand in for the flags', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', three('203.0.113.9'));
    const r = runCli(['scan', '--json', '--now', NOW], { env: { LOGBAN_CONFIG: sb.config, LOGBAN_STATE_DIR: sb.stateDir } });
    expect(JSON.parse(r.stdout).newBans).toHaveLength(1);
    expect(savedState(sb.stateDir).bans.map((b) => b.ip)).toEqual(['203.0.113.9']);
  });
});

describe('lock', () => {
  it('a second run while one holds the lock exits 75 with one line and changes nothing', async () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', three('203.0.113.9'));
    mkdirSync(sb.stateDir, { recursive: true });
    // A live process stands in for a running scan: the lock names its pid and start time.
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const stat = readFileSync(`/proc/${holder.pid}/stat`, 'utf8');
      const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      writeFileSync(`${sb.stateDir}/lock`, `${holder.pid} ${started}\n`);
      const r = sb.scan(NOW);
      expect(r.code).toBe(75);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('another logban run');
    } finally {
      holder.kill('SIGKILL');
    }
    // Once the holder is gone its lock is stale and the next run proceeds.
    await new Promise((done) => holder.once('exit', done));
    expect(sb.json(NOW).newBans).toHaveLength(1);
  });
});

// `logban import-fail2ban` on the real files of Debian's fail2ban package: /etc/fail2ban copied
// into a temp dir with the users' own set-ups laid over it (fixtures/fail2ban/<scenario>/), the
// printed config checked by `logban check`, and every imported jail's patterns run with
// `logban test` on lines of fail2ban's own test logs, where they must find what Debian's
// fail2ban-regex finds (fixtures/fail2ban/logs/, annotated from fail2ban-regex and checked
// against it again here; LOGBAN_ANNOTATE=1 rewrites the annotations).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/core/ip.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { readFixture, type FixtureCase } from '../helpers/fixtures.js';
import { fail2banMatches, hasFail2ban, type Fail2banMatch } from '../helpers/fail2ban-regex.js';
import { makeFail2banDir, SCENARIOS } from '../helpers/fail2ban-scenario.js';

const missing = hasFail2ban() ? null : "Debian's fail2ban package is not installed (apt-get install fail2ban; .ci/run does)";

type Jail = { rules?: string[]; failregex?: string[]; ignoreregex?: string[]; prefregex?: string; [k: string]: unknown };
type Imported = { code: number; stdout: string; stderr: string; config: Record<string, unknown>; jails: Record<string, Jail>; file: string };

const imports = new Map<string, Imported>();

// The scenario imported once: stdout parsed, and saved for `logban check`.
function imported(scenario: string): Imported {
  const done = imports.get(scenario);
  if (done) return done;
  const dir = makeFail2banDir(scenario);
  const r = runCli(['import-fail2ban', dir]);
  const file = join(tempDir(), 'logban.toml');
  writeFileSync(file, r.stdout);
  const config = r.stdout === '' ? {} : (parse(r.stdout) as Record<string, unknown>);
  const out = { ...r, config, jails: (config['jails'] ?? {}) as Record<string, Jail>, file };
  imports.set(scenario, out);
  return out;
}

const stderrLines = (r: Imported) => r.stderr.split('\n').filter((l) => l !== '');

// One jail's patterns as `logban test` takes them: each rule by name, each failregex after the
// jail's prefregex, with its ignoreregex as a lookahead in front.
function testTargets(j: Jail): string[] {
  const ignore = j.ignoreregex ?? [];
  const guard = ignore.length > 0 ? `^(?!.*(?:${ignore.join('|')}))[^]*?` : '';
  const regexes = (j.failregex ?? []).map((f) => (j.prefregex ? `${j.prefregex}(?:${f.replace(/^\^/, '')})` : f)).map((f) => (guard ? `${guard}(?:${f})` : f));
  return [...(j.rules ?? []), ...regexes];
}

// What the jail's patterns find in the fixture's log lines: line -> { ip, time }, first pattern first.
function logbanFinds(j: Jail, cases: readonly FixtureCase[], now: string): Map<number, { ip: string; time: string | null }> {
  const log = join(tempDir(), 'plain.log');
  writeFileSync(log, `${cases.map((c) => c.line).join('\n')}\n`);
  const found = new Map<number, { ip: string; time: string | null }>();
  for (const target of testTargets(j)) {
    const r = runCli(['test', log, target, '--json', '--now', now]);
    expect(r.code, `${target}: ${r.stderr}`).toBe(0);
    for (const m of (JSON.parse(r.stdout) as { matches: { line: number; ip: string; time: string | null }[] }).matches) {
      if (!found.has(m.line)) found.set(m.line, { ip: m.ip, time: m.time });
    }
  }
  return found;
}

const canonical = (ip: string) => canonicalIp(ip) ?? ip;

// A new fixture line gets "# expect: none" until LOGBAN_ANNOTATE=1's run writes what fail2ban finds.
function prime(file: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = lines.flatMap((l, i) => (l.startsWith('#') || l.trim() === '' || lines[i - 1]?.startsWith('# expect:') ? [l] : ['# expect: none', l]));
  writeFileSync(file, out.join('\n'));
}

// LOGBAN_ANNOTATE=1 writes a fixture's "# expect:" lines from fail2ban-regex's matches instead of
// checking them (after adding lines to a fixture); the time only where the line names its year.
function annotate(file: string, matches: readonly Fail2banMatch[]): void {
  const found = new Map<string, Fail2banMatch[]>();
  for (const m of matches) found.set(m.line, [...(found.get(m.line) ?? []), m]);
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('# expect:'))) {
    if (line.startsWith('#') || line.trim() === '') { out.push(line); continue; }
    const m = found.get(line)?.shift();
    const time = m && /(?:^|\D)(?:19|20)\d\d(?:\D|$)/.test(line) ? { time: new Date(m.time * 1000).toISOString().replace('.000Z', 'Z') } : {};
    out.push(`# expect: ${m ? JSON.stringify({ ip: m.ip, ...time }) : 'none'}`, line);
  }
  writeFileSync(file, out.join('\n').replace(/\n*$/, '\n'));
}

const LOGS = join(SCENARIOS, 'logs');
const fixtures = readdirSync(LOGS).filter((f) => f.endsWith('.log')).sort().map((f) => {
  if (process.env['LOGBAN_ANNOTATE'] === '1') prime(join(LOGS, f));
  const fx = readFixture(join(LOGS, f));
  const text = (key: string) => new RegExp(`^# ${key}: (.+)$`, 'm').exec(readFileSync(join(LOGS, f), 'utf8'))?.[1]!.trim() ?? '';
  return { ...fx, name: f, scenario: text('scenario'), filter: text('filter'), reference: text('reference'), jail: fx.rule };
});

describe.skipIf(missing !== null && !process.env['CI'])(`import-fail2ban on Debian's fail2ban files${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.runIf(missing !== null)('needs fail2ban under CI', () => {
    throw new Error(missing!);
  });
  if (missing !== null) return;

  const check = (r: Imported) => runCli(['check', '--config', r.file]);

  it("the Korean guide's set-up: every jail carried, nothing left out (exit 0), and logban check passes", () => {
    const r = imported('seed-guide');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.config['defaults']).toEqual({ maxretry: 3, findtime: '10m', bantime: '30d', ignoreip: ['127.0.0.0/8', '192.168.0.0/24'] });
    expect(r.config['firewall']).toEqual({ backend: 'iptables', chains: ['INPUT'] });
    expect(Object.keys(r.jails).sort()).toEqual(['nginx-badbots', 'nginx-http-auth', 'nginx-nohome', 'nginx-noproxy', 'nginx-noscript', 'ssh', 'sshd', 'sshd-ddos']);
    expect(r.jails['ssh']).toEqual({ logpath: ['/var/log/auth.log'], rules: ['sshd'], port: ['ssh'], maxretry: 6 });
    expect(r.jails['sshd-ddos']).toMatchObject({ logpath: ['/var/log/auth.log'], rules: ['sshd-ddos'], port: ['ssh'] });
    // fail2ban's own patterns (%(known/failregex)s) and the guide's extra one, carried.
    expect(r.jails['nginx-http-auth']!.failregex).toHaveLength(2);
    expect(r.jails['nginx-http-auth']!.rules).toBeUndefined();
    expect(r.stdout).toMatch(/logban's built-in rule nginx-http-auth reads the same service/);
    for (const j of ['nginx-noscript', 'nginx-nohome', 'nginx-noproxy', 'nginx-badbots']) {
      expect(r.jails[j]).toMatchObject({ logpath: ['/var/log/nginx/access.log'], port: ['http', 'https'] });
      expect(r.jails[j]!.failregex).toHaveLength(1);
    }
    expect(r.jails['nginx-noscript']!.maxretry).toBe(6);
    expect(r.jails['nginx-badbots']!.maxretry).toBe(2);
    expect(check(r)).toMatchObject({ code: 0, stdout: 'ok: 8 jails (sshd, nginx-http-auth, ssh, sshd-ddos, nginx-noscript, nginx-badbots, nginx-nohome, nginx-noproxy)\n' });
  });

  it('a Docker host: DOCKER-USER and permanent bans carried; the chain every jail now shares is reported (exit 3)', () => {
    const r = imported('docker');
    expect(r.code).toBe(3);
    expect(stderrLines(r)).toEqual([
      "logban: import-fail2ban: [firewall] jails use different chains (INPUT: sshd; DOCKER-USER: nginx-banroute); logban's chains are global: every jail's bans now apply in INPUT and DOCKER-USER",
    ]);
    expect(r.config['firewall']).toEqual({ backend: 'iptables', chains: ['INPUT', 'DOCKER-USER'] });
    expect(r.jails['nginx-banroute']).toMatchObject({ logpath: ['/home/hoon/logs/*.log'], port: ['http', 'https'], maxretry: 2, findtime: '10m', bantime: 'permanent' });
    expect(r.jails['nginx-banroute']!.ignoreregex).toHaveLength(1);
    expect(check(r).code).toBe(0);
  });

  it('the journal, nftables, bantime.increment, mode = aggressive and recidive: all mapped (exit 0)', () => {
    const r = imported('journal');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.config['defaults']).toEqual({ maxretry: 5, findtime: '10m', bantime: '1h', bantime_factor: 2, maxbantime: '1w' });
    expect(r.config['firewall']).toEqual({ backend: 'nftables', chains: ['INPUT'] });
    expect(r.jails['sshd']).toEqual({ journalmatch: ['_SYSTEMD_UNIT=sshd.service', '+', '_COMM=sshd'], rules: ['sshd', 'sshd-ddos'], port: ['ssh'], maxretry: 4 });
    expect(r.config['recidive']).toEqual({ enabled: true, maxretry: 5, findtime: '1d', bantime: '1w' });
    expect(check(r)).toMatchObject({ code: 0, stdout: 'ok: 1 jail (sshd)\n' });
  });

  it("sshd's mode = ddos keeps the normal mode's patterns, as fail2ban's does: rules sshd and sshd-ddos", () => {
    const dir = makeFail2banDir('journal');
    writeFileSync(join(dir, 'jail.local'), '[sshd]\nenabled = true\nmode = ddos\n');
    const r = runCli(['import-fail2ban', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const jails = (parse(r.stdout) as { jails: Record<string, Jail> }).jails;
    expect(jails['sshd']).toMatchObject({ rules: ['sshd', 'sshd-ddos'] });
  });

  it('what cannot be carried is a comment at its jail and one line on stderr (exit 3)', () => {
    const r = imported('left-out');
    expect(r.code).toBe(3);
    expect(stderrLines(r)).toEqual([
      'logban: import-fail2ban: [DEFAULT] ignoreip monitor.example.org: not an address or CIDR block (a host name?); logban matches addresses only: add its addresses by hand',
      'logban: import-fail2ban: [sshd] filter sshd is a multi-line filter (<F-MLFID>): logban matches one line at a time, so its patterns are not carried',
      "logban: import-fail2ban: [DEFAULT] action sendmail-whois-lines: mail actions are left out (cron mails logban's report when there is news)",
      'logban: import-fail2ban: [DEFAULT] usedns = yes: logban never resolves host names (nothing a client writes can make it look one up); only lines with an address count',
      'logban: import-fail2ban: [nginx-http-auth] action cloudflare: a custom action, left out (logban runs no commands of its own on a ban)',
      'logban: import-fail2ban: [myapp] filter myapp is a multi-line filter (<F-MLFID>): logban matches one line at a time, so its patterns are not carried',
    ]);
    // The changed multi-line sshd filter falls back to the built-in rule; myapp is left as comments.
    expect(r.jails['sshd']).toMatchObject({ rules: ['sshd'] });
    expect(r.jails['myapp']).toBeUndefined();
    expect(r.stdout).toMatch(/^# \[jails\.myapp\]$/m);
    expect(r.stdout).toMatch(/^# left out: action cloudflare: a custom action/m);
    expect(r.config['defaults']).toMatchObject({ ignoreip: ['127.0.0.0/8', '::1'] });
    // Not left out, but said at the pattern: a client could supply the address it reads.
    expect(r.jails['myapp-login']!.failregex).toHaveLength(1);
    expect(r.stdout).toMatch(/# fail2ban: Login failed for \.\* from <HOST>\n  # not anchored on the daemon's own text: text a client writes/);
    expect(check(r)).toMatchObject({ code: 0, stdout: 'ok: 3 jails (sshd, nginx-http-auth, myapp-login)\n' });
  });

  it('a file fail2ban refuses, or no directory, is exit 2 with the file and line', () => {
    const r = imported('broken');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^logban: \/.*\/fail2ban\/jail\.local:2: "enabled true" is neither a \[section\], a "key = value" line nor an indented continuation/);
    const none = runCli(['import-fail2ban', join(tempDir(), 'nothing')]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/nothing: no such directory/);
  });

  describe.each(fixtures)('$name', (fx) => {
    it('its annotations are what fail2ban-regex finds', () => {
      const dir = makeFail2banDir(fx.scenario, fx.reference || undefined);
      const matches = fail2banMatches(fx.file, fx.filter, dir);
      if (process.env['LOGBAN_ANNOTATE'] === '1') { annotate(fx.file, matches); return; }
      const found = new Map<string, string[]>();
      for (const m of matches) found.set(m.line, [...(found.get(m.line) ?? []), canonical(m.ip)]);
      for (const c of fx.cases) expect([c.line, found.get(c.line)?.shift() ?? null]).toEqual([c.line, c.expect ? canonical(c.expect.ip) : null]);
    });

    it(`the imported jail ${fx.jail} finds the same with logban test`, () => {
      const jail = imported(fx.scenario).jails[fx.jail];
      expect(jail, `no jail ${fx.jail} in the import of ${fx.scenario}`).toBeDefined();
      const got = logbanFinds(jail!, fx.cases, fx.now);
      fx.cases.forEach((c, i) => {
        const g = got.get(i + 1) ?? null;
        const want = c.expect ? { ip: canonical(c.expect.ip), ...(c.expect.time ? { time: c.expect.time } : {}) } : null;
        const have = g ? { ip: g.ip, ...(c.expect?.time ? { time: g.time } : {}) } : null;
        expect([c.line, have]).toEqual([c.line, want]);
      });
    });
  });
});

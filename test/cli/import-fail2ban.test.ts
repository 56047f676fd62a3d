// `logban import-fail2ban` on the real files of Debian's fail2ban package: /etc/fail2ban copied
// into a temp dir with the users' own set-ups laid over it (fixtures/fail2ban/<scenario>/), the
// printed config checked by `logban check`, and every imported jail's patterns run with
// `logban test` on lines of fail2ban's own test logs, where they must find what Debian's
// fail2ban-regex finds (fixtures/fail2ban/logs/, annotated from fail2ban-regex and checked
// against it again here).
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../src/core/ip.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { readFixture, type FixtureCase } from '../helpers/fixtures.js';
import { fail2banMatches, hasFail2ban } from '../helpers/fail2ban-regex.js';
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

const LOGS = join(SCENARIOS, 'logs');
const fixtures = readdirSync(LOGS).filter((f) => f.endsWith('.log')).sort().map((f) => {
  const fx = readFixture(join(LOGS, f));
  const text = (key: string) => new RegExp(`^# ${key}: (.+)$`, 'm').exec(readFileSync(join(LOGS, f), 'utf8'))?.[1]!.trim() ?? '';
  return { ...fx, name: f, scenario: text('scenario'), filter: text('filter'), jail: fx.rule };
});

describe.skipIf(missing !== null && !process.env['CI'])(`import-fail2ban on Debian's fail2ban files${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.runIf(missing !== null)('needs fail2ban under CI', () => {
    throw new Error(missing!);
  });
  if (missing !== null) return;

  describe.each(fixtures)('$name', (fx) => {
    it('its annotations are what fail2ban-regex finds', () => {
      const dir = makeFail2banDir(fx.scenario);
      const found = new Map<string, string[]>();
      for (const m of fail2banMatches(fx.file, fx.filter, dir)) found.set(m.line, [...(found.get(m.line) ?? []), canonical(m.ip)]);
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

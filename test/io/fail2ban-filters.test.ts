// The import reads fail2ban's filters exactly as fail2ban does: every filter of Debian's package
// (and the Korean guide's .local, which reads %(known/failregex)s) resolved by logban and by
// fail2ban's own FilterReader (test/helpers/fail2ban-filters.py), option by option. And the
// files logban takes for fail2ban's own: the embedded fingerprints and dpkg's record agree with
// the package's files, and an edited copy is neither.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFilter } from '../../src/core/fail2ban/filter-read.js';
import { isShippedText } from '../../src/core/fail2ban/shipped.js';
import { openFail2banDir, packageFileCheck } from '../../src/io/fail2ban-files.js';
import { ROOT } from '../helpers/cli.js';
import { FAIL2BAN_DIR, hasFail2ban } from '../helpers/fail2ban-regex.js';
import { makeFail2banDir } from '../helpers/fail2ban-scenario.js';

const missing = hasFail2ban() ? null : "Debian's fail2ban package is not installed (apt-get install fail2ban; .ci/run does)";
const OPTIONS = ['failregex', 'ignoreregex', 'prefregex', 'datepattern', 'journalmatch'] as const;
type PyFilter = Record<string, string | null> | { error: string } | null;

function fail2banResolves(dir: string, specs: readonly string[]): Record<string, PyFilter> {
  const out = execFileSync('/usr/bin/python3', [join(ROOT, 'test/helpers/fail2ban-filters.py'), dir, ...specs], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return JSON.parse(out) as Record<string, PyFilter>;
}

function compare(dir: string, specs: readonly string[]): void {
  const reference = fail2banResolves(dir, specs);
  const files = openFail2banDir(dir);
  for (const spec of specs) {
    const ours = readFilter(spec, new Map([['backend', 'auto']]), files);
    const theirs = reference[spec];
    if (theirs === null || theirs === undefined || 'error' in theirs) {
      expect([spec, ours.ok]).toEqual([spec, false]);
      continue;
    }
    expect(ours.ok, `${spec}: ${JSON.stringify(ours.ok ? '' : ours.error)}`).toBe(true);
    if (!ours.ok) continue;
    for (const key of OPTIONS) expect([spec, key, ours.value.options.get(key) ?? null]).toEqual([spec, key, theirs[key] ?? null]);
  }
}

describe.skipIf(missing !== null && !process.env['CI'])(`fail2ban's filters as fail2ban reads them${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it.runIf(missing !== null)('needs fail2ban under CI', () => {
    throw new Error(missing!);
  });
  if (missing !== null) return;
  const names = readdirSync(join(FAIL2BAN_DIR, 'filter.d')).filter((f) => f.endsWith('.conf')).map((f) => f.slice(0, -5)).sort();

  it(`every filter of the package (${names.length}) and sshd's, postfix's and nginx-http-auth's modes`, () => {
    compare(FAIL2BAN_DIR, [...names, 'sshd[mode=aggressive]', 'sshd[mode=ddos]', 'sshd[mode=extra]', 'postfix[mode=aggressive]', 'nginx-http-auth[mode=aggressive]']);
  });

  it("the guide's filters, with a .local that extends fail2ban's failregex through %(known/failregex)s", () => {
    compare(makeFail2banDir('seed-guide'), ['nginx-http-auth', 'nginx-noscript', 'nginx-badbots', 'nginx-nohome', 'nginx-noproxy']);
  });

  it("the package's filter files are fail2ban's own by fingerprint and by dpkg's record; an edited copy is neither", () => {
    const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'fail2ban'], { encoding: 'utf8' });
    const dir = makeFail2banDir('seed-guide');
    const packaged = packageFileCheck(dir);
    for (const name of names) {
      const path = `filter.d/${name}.conf`;
      const text = readFileSync(join(dir, path), 'utf8');
      if (version.startsWith('1.0.2')) expect([path, isShippedText(path, text)]).toEqual([path, true]);
      expect([path, packaged(path)]).toEqual([path, true]);
    }
    appendFileSync(join(dir, 'filter.d/sshd.conf'), 'failregex = ^x from <HOST>$\n');
    expect(isShippedText('filter.d/sshd.conf', readFileSync(join(dir, 'filter.d/sshd.conf'), 'utf8'))).toBe(false);
    expect(packaged('filter.d/sshd.conf')).toBe(false);
    // A comment or blank line more is the same filter.
    const text = readFileSync(join(FAIL2BAN_DIR, 'filter.d/sshd.conf'), 'utf8');
    expect(isShippedText('filter.d/sshd.conf', `# my notes\n\n${text}`)).toBe(true);
    expect(packaged('filter.d/nginx-badbots.conf')).toBe(false);
  });
});

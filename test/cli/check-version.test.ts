import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, ROOT, runCli } from '../helpers/cli.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('logban --version and logban check', () => {
  it.each([['--version'], ['-V']])('%s prints the version from package.json', (flag) => {
    const r = runCli([flag]);
    expect([r.code, r.stdout]).toEqual([0, `${VERSION}\n`]);
  });

  it('check: a valid config is "ok: N jails (names)", exit 0, and touches no state or log', () => {
    const sb = makeSandbox('[firewall]\nbackend = "none"\n[jails.sshd]\nlogpath = ["$DIR/missing/auth.log"]\nrules = ["sshd"]\n[jails.web]\nlogpath = ["$DIR/access.log"]\nfailregex = [\'^<HOST> - \']\n');
    const r = runCli(['check', '--config', sb.config]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'ok: 2 jails (sshd, web)\n', '']);
  });

  it('check: an error is one line naming the file and line, exit 2', () => {
    const sb = makeSandbox('[jails.web]\nlogpath = ["/srv/a.log"]\nfailregex = [\'^<HOST> (unclosed\']\n');
    const r = runCli(['check', '--config', sb.config]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^logban: ${sb.config.replace(/[.]/g, '\\.')}:3: jail "web": pattern '\\^<HOST> \\(unclosed': .*\\n$`));
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

// logban(8) and logban.toml(5), made at build time from man/*.md by marked-man: what man(1)
// makes of them, with groff's warnings on; and package.json installs them (npm's "man").
const MAN = ['/usr/bin/man', '/bin/man'].find((p) => existsSync(p));
if (!MAN && process.env['CI']) throw new Error('CI: man is missing (Debian package man-db)');

describe.skipIf(!MAN)('the man pages', () => {
  it.each([['logban.8', 'LOGBAN(8)', ['NAME', 'SYNOPSIS', 'COMMANDS', 'EXIT STATUS', 'SEE ALSO']], ['logban.toml.5', 'LOGBAN.TOML(5)', ['NAME', 'TABLES', 'EXAMPLE']]])(
    'dist/man/%s renders without a warning, with its sections and the version', (file, title, sections) => {
      const r = spawnSync(MAN!, ['--warnings', '-l', join(ROOT, 'dist/man', file)], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '' } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.split('\n')[0]).toContain(title);
      for (const s of sections) expect(r.stdout).toMatch(new RegExp(`^${s}$`, 'm'));
      const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
      expect(r.stdout.trimEnd().split('\n').at(-1)).toContain(version);
    });

  it('package.json installs both (npm install -g puts them into man1..8)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { man: string[]; files: string[] };
    expect(pkg.man).toEqual(['./dist/man/logban.8', './dist/man/logban.toml.5']);
    expect(pkg.files).toContain('dist');
  });
});

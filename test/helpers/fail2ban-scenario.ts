// A fail2ban configuration to import: a copy of the real /etc/fail2ban of Debian's package with a
// fixture's files laid over it (jail.local, filter.d/*) and the copies its COPY file names
// ("filter.d/nginx-badbots.conf filter.d/apache-badbots.conf": made as a user would with cp).
import { copyFileSync, cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ROOT, tempDir } from './cli.js';
import { FAIL2BAN_DIR } from './fail2ban-regex.js';

export const SCENARIOS = join(ROOT, 'fixtures/fail2ban');

function overlay(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (name === 'COPY') continue;
    if (statSync(src).isDirectory()) { mkdirSync(join(to, name), { recursive: true }); overlay(src, join(to, name)); } else copyFileSync(src, join(to, name));
  }
}

// The scenario's fail2ban directory in a new temp dir; `reference`: a filter file of an older
// fail2ban (fixtures/fail2ban/reference/) copied into its filter.d, for fail2ban-regex.
export function makeFail2banDir(scenario: string, reference?: string): string {
  const dir = join(tempDir('logban-f2b-'), 'fail2ban');
  cpSync(FAIL2BAN_DIR, dir, { recursive: true });
  const fixture = join(SCENARIOS, scenario);
  overlay(fixture, dir);
  const copies = join(fixture, 'COPY');
  if (existsSync(copies)) {
    for (const line of readFileSync(copies, 'utf8').split('\n').filter((l) => l.trim() !== '')) {
      const [dest, src] = line.trim().split(/\s+/) as [string, string];
      mkdirSync(dirname(join(dir, dest)), { recursive: true });
      copyFileSync(join(dir, src), join(dir, dest));
    }
  }
  if (reference) copyFileSync(join(SCENARIOS, reference), join(dir, 'filter.d', reference.split('/').pop()!));
  return dir;
}

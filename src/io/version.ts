import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

// logban's version, from the package.json beside the built CLI (dist/..) or the sources (src/io/../..).
export function logbanVersion(): string {
  if (version !== undefined) return version;
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['..', '../..', '../../..']) {
    try {
      const data = JSON.parse(readFileSync(join(here, up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (data.name === 'logban' && typeof data.version === 'string') return (version = data.version);
    } catch {
      // not there: one level up
    }
  }
  return (version = '0');
}

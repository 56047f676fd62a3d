import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set by the build (esbuild --define) from package.json, so the CLI reads no file for it. */
declare const __LOGBAN_VERSION__: string | undefined;

let version: string | undefined;

// logban's version: the build's, or (run from the sources) the package.json above them.
export function logbanVersion(): string {
  if (version !== undefined) return version;
  if (typeof __LOGBAN_VERSION__ === 'string') return (version = __LOGBAN_VERSION__);
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

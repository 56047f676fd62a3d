import { readFileSync } from 'node:fs';
import { buildConfig } from '../config/build.js';
import { DEFAULT_CONFIG_PATH } from '../config/defaults.js';
import type { Config } from '../config/types.js';
import { existsAsFile } from '../io/discover.js';
import { ConfigError } from './errors.js';

// --config, then LOGBAN_CONFIG, then /etc/logban/logban.toml if present, else the embedded defaults.
export function loadConfig(explicit: string | undefined): Config {
  const named = explicit ?? process.env['LOGBAN_CONFIG'];
  const path = named ?? (existsAsFile(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : null);
  let text = '';
  if (path !== null) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      throw new ConfigError(`${path}: cannot read the config (${reason}); check --config / LOGBAN_CONFIG`);
    }
  }
  const r = buildConfig(text, path, existsAsFile);
  if (!r.ok) {
    const where = r.error.line !== undefined ? `${path}:${r.error.line}` : `${path}`;
    throw new ConfigError(`${where}: ${r.error.message}`);
  }
  return r.value;
}

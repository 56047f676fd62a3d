// `logban import-fail2ban [DIR]`: fail2ban's configuration read as fail2ban reads it, planned in
// logban's terms, written as logban.toml and checked the way `logban check` checks it.
import { buildConfig } from '../config/build.js';
import { WELL_KNOWN_PORTS } from '../core/ports.js';
import { readFail2banConfig } from '../core/fail2ban/jail-read.js';
import { planImport } from '../core/fail2ban/import-plan.js';
import type { LeftOut, Logban } from '../core/fail2ban/plan.js';
import { writeToml } from '../core/fail2ban/toml-write.js';
import { checkFail2banDir, openFail2banDir, packageFileCheck } from '../io/fail2ban-files.js';
import { lookupService } from '../io/services.js';
import { compileMatcher } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { ConfigError } from './errors.js';

export type ImportResult = { readonly toml: string; readonly leftOut: readonly LeftOut[] };

export const DEFAULT_FAIL2BAN_DIR = '/etc/fail2ban';

// Reads `dir`; a directory or file fail2ban could not read either is a ConfigError (exit 2).
export function importFail2ban(dir: string): ImportResult {
  const usable = checkFail2banDir(dir);
  if (!usable.ok) throw new ConfigError(usable.error);
  const files = openFail2banDir(dir);
  const config = readFail2banConfig(files);
  const where = (file: string, line: number) => `${file.startsWith('/') ? file : `${dir.replace(/\/$/, '')}/${file}`}${line > 0 ? `:${line}` : ''}`;
  if (!config.ok) throw new ConfigError(`${where(config.error.file, config.error.line)}: ${config.error.message}`);
  for (const j of config.value.enabled) {
    if (j.filter && !j.filter.ok && j.filter.error.kind === 'unreadable') {
      const e = j.filter.error.error;
      throw new ConfigError(`${where(e.file, e.line)}: ${e.message}`);
    }
  }
  const logban: Logban = {
    hasRule: (name) => findRule(name) !== undefined,
    hasGuard: (name) => findRule(name)?.guard !== undefined,
    checkPatterns: ({ failregex, ignoreregex, prefregex }) => {
      const r = compileMatcher([], failregex, ignoreregex, prefregex);
      return r.ok ? null : r.error;
    },
    lookupPort: (name) => WELL_KNOWN_PORTS[name] ?? lookupService(name),
    isPackageFile: packageFileCheck(dir),
  };
  const plan = planImport(config.value, files, logban, dir);
  const toml = writeToml(plan);
  // What logban check would say of it: the import never prints a config logban refuses.
  const checked = buildConfig(toml, 'import-fail2ban', () => true);
  if (!checked.ok) throw new Error(`import-fail2ban made a config that logban check refuses (line ${checked.error.line ?? '?'}: ${checked.error.message}); please report it with your fail2ban files`);
  return { toml, leftOut: plan.leftOut };
}

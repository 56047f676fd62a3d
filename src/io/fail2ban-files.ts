// The files of a fail2ban configuration directory for the import (read only), and what Debian's
// package database says fail2ban shipped there: a conffile whose MD5 is still the one dpkg
// recorded is the package's own, unchanged, whichever fail2ban version is installed.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/result.js';
import type { ConfigFiles } from '../core/fail2ban/config-set.js';

const DPKG_STATUS = '/var/lib/dpkg/status';
const PACKAGE_DIR = '/etc/fail2ban';

// `read` and `list` under `dir` (absolute paths as they are), as the core's ConfigFiles.
export function openFail2banDir(dir: string): ConfigFiles {
  const full = (path: string) => (path.startsWith('/') ? path : join(dir, path));
  return {
    read(path) {
      try {
        if (!statSync(full(path)).isFile()) return ok(null);
        return ok(readFileSync(full(path), 'utf8'));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return ok(null);
        return err(`${full(path)}: ${code === 'EACCES' ? 'permission denied (run as root, or copy the directory somewhere readable)' : (e as Error).message}`);
      }
    },
    list(sub, ext) {
      try {
        return readdirSync(full(sub)).filter((f) => f.endsWith(ext)).sort();
      } catch {
        return [];
      }
    },
  };
}

// Whether `dir` is a directory we can list: the import's first check (exit 2 otherwise).
export function checkFail2banDir(dir: string): Result<void, string> {
  try {
    if (!statSync(dir).isDirectory()) return err(`${dir}: not a directory (give the fail2ban configuration directory, e.g. /etc/fail2ban)`);
    readdirSync(dir);
    return ok(undefined);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(`${dir}: ${code === 'ENOENT' ? 'no such directory (is fail2ban installed? give its configuration directory)' : code === 'EACCES' ? 'permission denied (run as root)' : (e as Error).message}`);
  }
}

// The MD5 of each file of the fail2ban package under /etc/fail2ban, by path relative to it.
function packageDigests(statusPath: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(statusPath, 'utf8');
  } catch {
    return out;
  }
  const stanza = text.split(/\n\n+/).find((s) => /^Package: fail2ban$/m.test(s));
  if (!stanza) return out;
  for (const m of stanza.matchAll(/^ (\/etc\/fail2ban\/\S+) ([0-9a-f]{32})$/gm)) out.set(m[1]!.slice(PACKAGE_DIR.length + 1), m[2]!);
  return out;
}

// A test of whether `path` (relative to `dir`) is byte for byte the file the installed package shipped.
export function packageFileCheck(dir: string, statusPath = DPKG_STATUS): (path: string) => boolean {
  const digests = packageDigests(statusPath);
  return (path) => {
    const want = digests.get(path);
    if (want === undefined) return false;
    try {
      return createHash('md5').update(readFileSync(join(dir, path))).digest('hex') === want;
    } catch {
      return false;
    }
  };
}

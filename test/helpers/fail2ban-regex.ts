// Debian's real fail2ban-regex, as the reference for what fail2ban finds in a log: it skips the
// `#` lines of an annotated fixture, prints each match as "<ip>\t<line>" (-o) and, with
// --usedns=no, reads addresses only, as logban does. Times in UTC (TZ=UTC).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const FAIL2BAN_REGEX = '/usr/bin/fail2ban-regex';
export const FAIL2BAN_DIR = '/etc/fail2ban';

export const hasFail2ban = () => existsSync(FAIL2BAN_REGEX) && existsSync(`${FAIL2BAN_DIR}/jail.conf`);

export type Fail2banMatch = { readonly ip: string; readonly line: string; readonly time: number };

// Every match fail2ban-regex reports for `log` with `filter` (a name with options, or a file),
// read from the configuration in `configDir`.
export function fail2banMatches(log: string, filter: string, configDir = FAIL2BAN_DIR): Fail2banMatch[] {
  const r = spawnSync(FAIL2BAN_REGEX, ['-c', configDir, '--usedns=no', '-o', '<ip>\t<time>\t<msg>', log, filter], {
    encoding: 'utf8', env: { ...process.env, TZ: 'UTC' }, maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`fail2ban-regex ${log} ${filter} exited ${r.status}: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => {
    const [ip, time, ...rest] = l.split('\t');
    return { ip: ip!, time: Number(time), line: rest.join('\t') };
  });
}

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOGROTATE = ['/usr/sbin/logrotate', '/sbin/logrotate', '/usr/bin/logrotate'].find((p) => {
  try {
    return spawnSync(p, ['--version']).status === 0;
  } catch {
    return false;
  }
});

// Runs real logrotate once (forced) on `log` with the given directives, using a state file in
// the same temp dir so the host's own logrotate state is never touched.
export function rotate(dir: string, log: string, directives: string): void {
  if (!LOGROTATE) throw new Error('logrotate is not installed (Debian package logrotate)');
  const conf = join(dir, 'logrotate.conf');
  writeFileSync(conf, `${log} {\n${directives.trim()}\n  missingok\n  nomail\n}\n`, { mode: 0o644 });
  const r = spawnSync(LOGROTATE, ['-f', '-s', join(dir, 'logrotate.state'), conf], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`logrotate failed (${r.status}): ${r.stderr}`);
}

// Logrotate is a test requirement like iptables: missing it skips outside CI and fails under CI.
export function logrotateOrSkip(): { skip: boolean; reason: string } {
  if (!LOGROTATE && process.env['CI']) throw new Error('logrotate is needed under CI (apt-get install logrotate)');
  return { skip: !LOGROTATE, reason: 'needs logrotate (apt-get install logrotate)' };
}

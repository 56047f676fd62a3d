import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { runCli, type CliRun } from './cli.js';

export type Family = 4 | 6;

// Absolute path of `ip`, so a test can run the CLI with a PATH that hides iptables and still enter a namespace.
export const IP_BIN = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p)) ?? 'ip';

// Runs one process from an argv array (never a shell string) and fails loudly when it fails.
export function sh(argv: readonly string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: opts.timeoutMs ?? 15_000 });
  if (!opts.allowFail && (r.error || r.status !== 0)) {
    throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr || r.error?.message}`);
  }
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

// Namespaces and background processes a test file created; `cleanup` removes all of them, failure or not.
export function createNetnsPool() {
  const names: string[] = [];
  const children: ChildProcess[] = [];
  return {
    /** A fresh network namespace `lb-<random>` with its loopback up. */
    add(): string {
      const ns = `lb-${randomBytes(4).toString('hex')}`;
      sh([IP_BIN, 'netns', 'add', ns]);
      names.push(ns);
      sh([IP_BIN, '-n', ns, 'link', 'set', 'lo', 'up']);
      return ns;
    },
    /** A background process inside `ns`, killed by `cleanup`. */
    spawnIn(ns: string, argv: readonly string[]): ChildProcess {
      const child = spawn(IP_BIN, ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    cleanup(): void {
      for (const child of children) {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      for (const ns of names.splice(0)) sh([IP_BIN, 'netns', 'delete', ns], { allowFail: true });
    },
  };
}

export function nsExec(ns: string, argv: readonly string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}) {
  return sh([IP_BIN, 'netns', 'exec', ns, ...argv], opts);
}

// iptables-save (or ip6tables-save) inside `ns`, without comment lines and with counters zeroed,
// so two dumps compare equal when only packet counts changed.
export function saveRules(ns: string, family: Family = 4): string[] {
  const out = nsExec(ns, [family === 4 ? 'iptables-save' : 'ip6tables-save']).stdout;
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/g, '[0:0]'));
}

export function countLine(lines: readonly string[], line: string): number {
  return lines.filter((l) => l === line).length;
}

// `logban scan` run inside a namespace, against a sandbox's config and state dir.
export function scanIn(
  ns: string,
  sandbox: { config: string; stateDir: string },
  now: string,
  extra: readonly string[] = [],
  env?: Record<string, string>,
): CliRun {
  return runCli(['scan', '--config', sandbox.config, '--state-dir', sandbox.stateDir, '--now', now, ...extra], {
    prefix: [IP_BIN, 'netns', 'exec', ns],
    ...(env ? { env } : {}),
  });
}

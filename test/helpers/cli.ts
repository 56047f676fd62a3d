import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/logban.js');

export type CliRun = { code: number; stdout: string; stderr: string };

// Runs the built CLI exactly as cron would: a separate node process, argv only.
export function runCli(args: readonly string[], opts: { env?: Record<string, string>; prefix?: readonly string[] } = {}): CliRun {
  const env = { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env };
  delete (env as Record<string, string | undefined>)['LOGBAN_CONFIG'];
  delete (env as Record<string, string | undefined>)['LOGBAN_STATE_DIR'];
  Object.assign(env, opts.env);
  const argv = [...(opts.prefix ?? []), process.execPath, BIN, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = 'logban-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

// A temp dir with a config whose jails read logs inside it; returns helpers to write lines and run scans.
export function makeSandbox(configBody: string) {
  const dir = tempDir();
  const config = join(dir, 'logban.toml');
  const stateDir = join(dir, 'state');
  writeFileSync(config, configBody.replaceAll('$DIR', dir));
  return {
    dir,
    config,
    stateDir,
    path: (name: string) => join(dir, name),
    append: (name: string, text: string) => appendFileSync(join(dir, name), text),
    scan: (now: string, ...extra: string[]) =>
      runCli(['scan', '--config', config, '--state-dir', stateDir, '--now', now, ...extra]),
    json: (now: string, ...extra: string[]) => {
      const r = runCli(['scan', '--json', '--config', config, '--state-dir', stateDir, '--now', now, ...extra]);
      if (r.code !== 0) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as ScanJson;
    },
  };
}

export type ScanJson = {
  dryRun: boolean;
  files: { path: string; startOffset: number; endOffset: number; linesRead: number; rotated: string[] }[];
  newBans: {
    ip: string; jail: string; failures: number; firstSeen: string; lastSeen: string; expiresAt: string | null; evidence: string[];
    addresses?: string[]; narrowed?: string;
  }[];
  unbans: { ip: string; jail: string; reason: string }[];
  activeBans: number;
  commands: string[][];
  notes: { level: string; text: string }[];
};

// Root-only tests skip with a reason on a developer's machine and fail under CI, where they must run.
export function rootOrSkip(): { skip: boolean; reason: string } {
  const root = process.getuid?.() === 0;
  if (!root && process.env['CI']) throw new Error('these tests need root under CI (network namespaces and iptables)');
  return { skip: !root, reason: 'needs root for network namespaces and iptables' };
}

// One sshd failed-password line as Debian's auth.log writes it ("Nov 21 09:40:00", year from --now).
export function sshdFailure(time: string, ip: string, port = 5555): string {
  return `Nov 21 ${time} web1 sshd[1234]: Failed password for root from ${ip} port ${port} ssh2\n`;
}

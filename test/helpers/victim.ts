import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { makeSandbox, sshdFailure, type ScanJson } from './cli.js';
import { cliIn, createNetnsPool, createPair, flushFirewall, scanIn, startServer, type Pair } from './netns.js';
import { savedText } from './saved-state.js';

// The firewall tests' common ground: a victim namespace with a server, the configs and the runs.

export type Backend = 'iptables' | 'ipset' | 'nftables';

/** The server's ports: the sshd jail guards SSH_PORT, WEB_PORT is never banned, LIMITED_PORT has a connection limit of 2. */
export const SSH_PORT = 2222;
export const WEB_PORT = 8080;
export const LIMITED_PORT = 8081;
export const NOW = '2026-11-21T09:45:00Z';
/** Past the 1 h bantime of bans made at NOW. */
export const LATER = '2026-11-21T11:45:00Z';

// A jail that guards one port of the victim and one that only limits connections to another.
// The pair's attacker shares the victim's /64 (2001:db8::/64), where a /64 would be cut around the
// victim's own address: these configs count per address unless `perPrefix` keeps the default /64.
export function firewallConfig(backend: Backend, opts: { chains?: readonly string[]; sshd?: string; perPrefix?: boolean } = {}): string {
  return `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"
${opts.perPrefix ? '' : 'ipv6_prefix = 128'}

[firewall]
backend = "${backend}"
chains = ${JSON.stringify(opts.chains ?? ['INPUT'])}

[jails.sshd]
logpath = ["$DIR/auth.log"]
rules = ["sshd"]
port = ["${SSH_PORT}"]
${opts.sshd ?? ''}

[jails.web]
logpath = ["$DIR/web.log"]
rules = ["sshd"]
port = [${LIMITED_PORT}]
connlimit = 2
`;
}

export function threeFailures(ip: string): string {
  return ['09:41:02', '09:41:05', '09:41:09'].map((t) => sshdFailure(t, ip)).join('');
}

export type Sandbox = ReturnType<typeof makeSandbox>;

// Test-file scaffolding: a victim/attacker pair with a server on three ports, a clean firewall
// before every test, sandboxes and namespaces removed at the end.
export function useVictim() {
  const pool = createNetnsPool();
  const dirs: string[] = [];
  let pair: Pair | undefined;
  beforeAll(async () => {
    pair = createPair(pool);
    await startServer(pool, pair.victim, [SSH_PORT, WEB_PORT, LIMITED_PORT]);
  }, 30_000);
  beforeEach(() => flushFirewall(pair!.victim));
  afterAll(() => {
    pool.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    pair: () => pair!,
    pool,
    sandbox(body: string): Sandbox {
      const sb = makeSandbox(body);
      dirs.push(sb.dir);
      sb.append('auth.log', '');
      sb.append('web.log', '');
      return sb;
    },
  };
}

// `scan --json` in the victim namespace; a non-zero exit fails the test with logban's stderr.
export function scanVictim(ns: string, sb: Sandbox, now: string): ScanJson {
  const r = scanIn(ns, sb, now, ['--json']);
  if (r.code !== 0) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ScanJson;
}

export type RestoreJson = { activeBans: number; commands: string[][]; unbans: { ip: string; jail: string; reason: string }[] };

export function restoreVictim(ns: string, sb: Sandbox, now = NOW): RestoreJson {
  const r = cliIn(ns, sb, ['restore', '--json'], now);
  if (r.code !== 0) throw new Error(`restore exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as RestoreJson;
}

// A PATH with only the named tools (symlinks to the real ones), to run logban as if the rest were not installed.
export function pathWith(tools: readonly string[], within: string): string {
  const dir = join(within, 'bin');
  mkdirSync(dir);
  for (const tool of tools) {
    const real = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (real) symlinkSync(real, join(dir, tool));
  }
  return dir;
}

// The backend's tool is missing: one line naming it and the package, exit 1, the ban not recorded, and
// the next run (with the tool back) bans.
export function expectMissingTool(ns: string, sb: Sandbox, attacker: string, path: string, message: RegExp): void {
  const failed = scanIn(ns, sb, NOW, [], { PATH: path });
  expect(failed.code).toBe(1);
  expect(failed.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
  expect(savedText(sb.stateDir) ?? '').not.toContain(attacker);
  expect(scanVictim(ns, sb, '2026-11-21T09:46:00Z').newBans.map((b) => b.ip)).toEqual([attacker]);
}

// Bare namespaces and sandboxes (with an empty web.log) for tests that need no server; removed after the file.
export function useBareNamespaces() {
  const pool = createNetnsPool();
  const dirs: string[] = [];
  afterAll(() => {
    pool.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    pool,
    ns: () => pool.add(),
    sandbox(config: string): Sandbox {
      const sb = makeSandbox(config);
      dirs.push(sb.dir);
      sb.append('web.log', '');
      return sb;
    },
  };
}

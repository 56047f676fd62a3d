import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/cli.js';
import { createNetnsPool, IP_BIN, nsExec } from '../helpers/netns.js';

// The daemon listens here (server namespace); the one real client connects from REAL_CLIENT
// (client namespace, its only address); VICTIM is the address an attacker wants banned.
export const SERVER = '192.0.2.10';
export const REAL_CLIENT = '203.0.113.50';
export const VICTIM = '198.51.100.77';

const RAW_CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'raw-client.mjs');
// Bounds for polls and for a daemon's shutdown: a test waits for a state, never for a time.
const STOP_LIMIT_MS = 10_000;
const POLL_MS = 50;

/** A server and a client namespace joined by a veth pair: 192.0.2.10 <-> 203.0.113.50. */
export type Rig = {
  readonly server: string;
  readonly client: string;
  readonly dir: string;
  /** Starts a daemon in the server namespace (argv, foreground); stopped by pid in `close`. */
  start(argv: readonly string[], name: string): Daemon;
  /** Runs a program in the client namespace (argv, never a shell string). */
  clientRun(argv: readonly string[], timeoutMs?: number): { code: number; stdout: string; stderr: string };
  /** Each payload on its own TCP connection from the client address; returns the server's answers. */
  raw(port: number, payloads: readonly Buffer[], opts?: { waitFor?: string; parallel?: boolean }): string[];
  close(): Promise<void>;
};

export type Daemon = { readonly child: ChildProcess; readonly name: string; output(): string; exited(): boolean };

// Both namespaces, the veth pair and a temp dir (mode 0755 so a daemon's unprivileged workers can enter it).
export function createRig(prefix: string): Rig {
  const pool = createNetnsPool();
  const server = pool.add();
  const client = pool.add();
  const dir = tempDir(`logban-${prefix}-`);
  chmodSync(dir, 0o755);
  const dev = `rv${server.slice(3, 9)}`;
  const peer = `rc${server.slice(3, 9)}`;
  nsExec(server, [IP_BIN, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peer, 'netns', client]);
  for (const [ns, d, own, other] of [[server, dev, SERVER, REAL_CLIENT], [client, peer, REAL_CLIENT, SERVER]] as const) {
    nsExec(ns, [IP_BIN, 'addr', 'add', `${own}/32`, 'dev', d]);
    nsExec(ns, [IP_BIN, 'link', 'set', d, 'up']);
    nsExec(ns, [IP_BIN, 'route', 'add', `${other}/32`, 'dev', d]);
  }
  const daemons: Daemon[] = [];
  return {
    server, client, dir,
    start(argv, name) {
      const child = spawn(IP_BIN, ['netns', 'exec', server, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TZ: 'UTC' } });
      let out = '';
      child.stdout!.on('data', (d) => { out += String(d); });
      child.stderr!.on('data', (d) => { out += String(d); });
      const daemon = { child, name, output: () => out, exited: () => child.exitCode !== null || child.signalCode !== null };
      daemons.push(daemon);
      return daemon;
    },
    clientRun(argv, timeoutMs = 15_000) {
      return nsExec(client, argv, { allowFail: true, timeoutMs });
    },
    raw(port, payloads, opts = {}) {
      const job = { host: SERVER, port, payloads: payloads.map((p) => p.toString('base64')), ...opts };
      const r = nsExec(client, [process.execPath, RAW_CLIENT, JSON.stringify(job)], { allowFail: true, timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`raw client exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as string[];
    },
    async close() {
      for (const d of daemons.splice(0)) await stopByPid(d);
      pool.cleanup();
      // a MariaDB data dir is over 100 MB
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// SIGTERM to the daemon's own pid (`ip netns exec` execs it), then SIGKILL once the bound has passed.
export async function stopByPid(d: Daemon): Promise<void> {
  if (d.exited() || d.child.pid === undefined) return;
  const gone = new Promise<void>((resolve) => d.child.once('exit', () => resolve()));
  process.kill(d.child.pid, 'SIGTERM');
  const killed = await Promise.race([gone.then(() => true), delay(STOP_LIMIT_MS).then(() => false)]);
  if (!killed && !d.exited()) {
    process.kill(d.child.pid, 'SIGKILL');
    await gone;
  }
}

// Polls `ready` until it holds or the deadline passes; the error names what was awaited and the daemon's output.
export async function waitUntil(what: string, ready: () => boolean, limitMs: number, daemon?: Daemon): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (daemon?.exited()) throw new Error(`${daemon.name} exited before ${what}: ${daemon.output()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not after ${limitMs} ms${daemon ? `; ${daemon.name} said: ${daemon.output()}` : ''}`);
    await delay(POLL_MS);
  }
}

// True once something listens on TCP `port` inside `ns`.
export function listening(ns: string, port: number): boolean {
  return nsExec(ns, ['ss', '-Hltn', `sport = :${port}`], { allowFail: true }).stdout.trim() !== '';
}

export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'latin1') : '';
}

// Log text with control bytes, DEL and non-ASCII shown escaped, one numbered line each, for failure messages.
export function showLines(text: string, only?: (line: string) => boolean): string {
  return text.split('\n').map((l, i) => [i + 1, l] as const)
    .filter(([, l]) => (only ? only(l) : true))
    .map(([n, l]) => `${String(n).padStart(4)}: ${escapeBytes(l)}`).join('\n');
}

export function escapeBytes(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

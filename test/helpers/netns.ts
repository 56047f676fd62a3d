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

// ---------------------------------------------------------------- two namespaces, a server, a client

/** A victim and an attacker namespace joined by a veth pair, with IPv4 and IPv6 documentation addresses. */
export type Pair = {
  readonly victim: string;
  readonly attacker: string;
  readonly victim4: string;
  readonly attacker4: string;
  readonly victim6: string;
  readonly attacker6: string;
};

// Bounds, not waits: a dropped SYN is only seen as silence, a server stops itself, setup gives up.
const CONNECT_TIMEOUT_MS = 1_000;
const SERVER_LIFETIME_MS = 300_000;
const READY_LIMIT_MS = 10_000;

export function createPair(pool: ReturnType<typeof createNetnsPool>, subnet = 1): Pair {
  const victim = pool.add();
  const attacker = pool.add();
  const pair = {
    victim, attacker,
    victim4: '192.0.2.1', attacker4: `192.0.2.${1 + subnet}`,
    victim6: '2001:db8::1', attacker6: `2001:db8::${(1 + subnet).toString(16)}`,
  };
  nsExec(victim, [IP_BIN, 'link', 'add', 'lbv0', 'type', 'veth', 'peer', 'name', 'lba0', 'netns', attacker]);
  for (const [ns, dev, v4, v6] of [[victim, 'lbv0', pair.victim4, pair.victim6], [attacker, 'lba0', pair.attacker4, pair.attacker6]] as const) {
    nsExec(ns, [IP_BIN, 'addr', 'add', `${v4}/24`, 'dev', dev]);
    nsExec(ns, [IP_BIN, '-6', 'addr', 'add', `${v6}/64`, 'dev', dev, 'nodad']);
    nsExec(ns, [IP_BIN, 'link', 'set', dev, 'up']);
  }
  return pair;
}

// Answers "hi" on every port (IPv4 and IPv6) and keeps the connection open; stops by itself.
const serverScript = (ports: readonly number[]) => `
  const net = require('net');
  let ready = 0;
  for (const port of ${JSON.stringify(ports)}) {
    net.createServer((s) => { s.write('hi'); s.on('error', () => {}); })
      .listen({ port, host: '::', ipv6Only: false }, () => { if (++ready === ${ports.length}) console.log('ready'); });
  }
  setTimeout(() => process.exit(0), ${SERVER_LIFETIME_MS}).unref();
`;

// Starts the server in `ns` and resolves once it listens on every port.
export function startServer(pool: ReturnType<typeof createNetnsPool>, ns: string, ports: readonly number[]): Promise<void> {
  const server = pool.spawnIn(ns, [process.execPath, '-e', serverScript(ports)]);
  return new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server not ready after ${READY_LIMIT_MS} ms: ${seen}`)), READY_LIMIT_MS);
    server.stdout!.on('data', (d) => {
      seen += String(d);
      if (seen.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.stderr!.on('data', (d) => { seen += String(d); });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${seen}`));
    });
  });
}

// A ban of everything from an on-link IPv6 address drops its neighbour discovery too, so after the
// unban the peer's neighbour entry is still FAILED and its first connect gets EHOSTUNREACH. That is
// the kernel's cache, not the firewall: forget it on both sides before probing again.
export function forgetNeighbours(pair: Pair): void {
  nsExec(pair.victim, [IP_BIN, 'neigh', 'flush', 'dev', 'lbv0']);
  nsExec(pair.attacker, [IP_BIN, 'neigh', 'flush', 'dev', 'lba0']);
}

export type Probe = 'ok' | 'timeout' | `error ${string}`;

// Opens `count` connections at once from `ns` (from `local` when given) and keeps them open until each answered "hi" or timed out.
const clientScript = (host: string, port: number, count: number, local?: string) => `
  const net = require('net');
  const results = [];
  const sockets = [];
  let open = ${count};
  const done = (i, r) => { if (results[i] !== undefined) return; results[i] = r; if (--open === 0) { console.log(JSON.stringify(results)); process.exit(0); } };
  for (let i = 0; i < ${count}; i++) {
    const s = net.connect({ host: ${JSON.stringify(host)}, port: ${port}${local ? `, localAddress: ${JSON.stringify(local)}` : ''} });
    sockets.push(s);
    s.setTimeout(${CONNECT_TIMEOUT_MS}, () => done(i, 'timeout'));
    s.on('data', (d) => { if (String(d) === 'hi') done(i, 'ok'); });
    s.on('error', (e) => done(i, 'error ' + e.code));
  }
`;

export function connectMany(ns: string, host: string, port: number, count: number, local?: string): Probe[] {
  const r = nsExec(ns, [process.execPath, '-e', clientScript(host, port, count, local)], { allowFail: true, timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`client failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Probe[];
}

// One connection from `ns` (from its address `local` when given): "ok" when the server answered, "timeout" when the SYN was dropped.
export function probe(ns: string, host: string, port: number, local?: string): Probe {
  return connectMany(ns, host, port, 1, local)[0]!;
}

// More attacker addresses, outside the pair's own networks: each one on the attacker's link, and
// the victim told that `block` is on its link (so it answers them directly).
export function addAttackerAddresses(pair: Pair, block: string, addresses: readonly string[]): void {
  const v6 = block.includes(':');
  nsExec(pair.victim, [IP_BIN, ...(v6 ? ['-6'] : []), 'route', 'replace', block, 'dev', 'lbv0']);
  for (const ip of addresses) nsExec(pair.attacker, [IP_BIN, ...(v6 ? ['-6'] : []), 'addr', 'replace', `${ip}/${v6 ? 128 : 32}`, 'dev', 'lba0', ...(v6 ? ['nodad'] : [])]);
}

// ---------------------------------------------------------------- firewall state inside a namespace

// Empties every firewall table of the namespace, as a reboot does (rules first: sets in use cannot go).
export function flushFirewall(ns: string): void {
  for (const bin of ['iptables', 'ip6tables']) {
    nsExec(ns, [bin, '-w', '-F']);
    nsExec(ns, [bin, '-w', '-X']);
  }
  nsExec(ns, ['ipset', 'destroy']);
  nsExec(ns, ['nft', 'flush', 'ruleset']);
}

// `ipset save` without the random initval and the ticking timeouts, so two dumps compare equal.
export function saveSets(ns: string): string[] {
  return nsExec(ns, ['ipset', 'save']).stdout.split('\n').filter((l) => l !== '')
    .map((l) => l.replace(/ initval 0x[0-9a-f]+/, '').replace(/^(add \S+ \S+) timeout [1-9]\d*$/, '$1 timeout N'));
}

// `nft list table inet logban` without the ticking "expires" and timeouts; [] when the table is not there.
export function saveTable(ns: string): string[] {
  const r = nsExec(ns, ['nft', 'list', 'table', 'inet', 'logban'], { allowFail: true });
  if (r.code !== 0) return [];
  return r.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '')
    .map((l) => l.replace(/ timeout \d[\w.]*| expires \d[\w.]*/g, ''));
}

// Everything logban can have left in the namespace's kernel, for "nothing changed" and "no duplicates" checks.
export function saveAll(ns: string): string[] {
  const tag = (name: string, lines: readonly string[]) => lines.map((l) => `${name}: ${l}`);
  return [...tag('ip4', saveRules(ns, 4)), ...tag('ip6', saveRules(ns, 6)), ...tag('ipset', saveSets(ns)), ...tag('nft', saveTable(ns))];
}

// Lines that occur more than once in a dump of logban's own chains, sets and table.
export function duplicatedLines(lines: readonly string[]): string[] {
  const own = lines.filter((l) => /logban|ban[46]-|conn[46]-|jail-|hook-/.test(l));
  return own.filter((l, i) => own.indexOf(l) !== i);
}

// Any logban command (restore, ban, unban, status) run inside a namespace against a sandbox.
export function cliIn(ns: string, sandbox: { config: string; stateDir: string }, args: readonly string[], now: string, env?: Record<string, string>): CliRun {
  return runCli([...args, '--config', sandbox.config, '--state-dir', sandbox.stateDir, '--now', now], {
    prefix: [IP_BIN, 'netns', 'exec', ns],
    ...(env ? { env } : {}),
  });
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IP_BIN } from './netns.js';

// A real CrowdSec Local API (crowdsec -no-cs -no-capi) for the fleet tests: its own config, sqlite
// database and log in a fresh temp dir, listening on loopback; nothing in /etc/crowdsec or
// /var/lib/crowdsec is read or written. One watcher (machine) and one bouncer are registered, their
// secrets in mode-0600 files, the way logban reads them.
// With `netns`, crowdsec and every cscli call run inside that network namespace (`ip netns exec`),
// listening on 0.0.0.0 there; the temp dir is shared, only the network is the namespace's.

export type Lapi = {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). With `netns` it is the address
   *  inside that namespace (http://127.0.0.1:8080 for the 0.0.0.0 default): the test process itself
   *  cannot reach it, `fetchIn(lapi.netns, ...)` can; watcherToken and bouncerStream do so by themselves. */
  readonly url: string;
  /** The network namespace crowdsec runs in, or null on the test's own loopback. */
  readonly netns: string | null;
  /** The TCP port it listens on. */
  readonly port: number;
  /** The temp dir holding config.yaml, the database, the log and the secret files. */
  readonly dir: string;
  /** The crowdsec config file, for `crowdsec -c` and `cscli -c`. */
  readonly config: string;
  /** The running crowdsec's pid (a new one after `start`); crowdsec's own with `netns` too, since `ip netns exec` execs it. */
  readonly pid: number;
  /** The watcher logban pushes as; the password is also on the first line of `passwordFile`. */
  readonly machine: { id: string; password: string; passwordFile: string };
  /** The bouncer logban pulls as; the key is also on the first line of `bouncerKeyFile`. */
  readonly bouncerKey: string;
  readonly bouncerKeyFile: string;
  /** `cscli -c CONFIG ...args` (argv, no shell; inside `netns` when set); `cscli decisions add` works (own machine credentials). */
  cscli(args: readonly string[]): { code: number; stdout: string; stderr: string };
  /** What crowdsec wrote so far (all runs), for failure messages. */
  log(): string;
  /** SIGTERM to the pid, SIGKILL if it is still there after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts crowdsec again on the same port and database; resolves once it answers. */
  start(): Promise<void>;
  /** stop(), then deletes the temp dir. */
  remove(): Promise<void>;
};

const READY_LIMIT_MS = 10_000;
const STOP_LIMIT_MS = 10_000;
const POLL_MS = 50;
const BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'];

// The path of an executable on PATH (or the usual bin dirs), or null.
function findBin(name: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter((d) => d !== ''), ...BIN_DIRS];
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return null;
}

// Whether the CrowdSec tests can run here: crowdsec and cscli installed, running as root. Under CI
// (CI set) a missing piece is an error, not a skip, so the fleet tests cannot silently vanish.
export function crowdsecOrSkip(): { skip: boolean; reason: string } {
  const missing = ['crowdsec', 'cscli'].filter((b) => findBin(b) === null);
  let reason = '';
  if (missing.length > 0) reason = `${missing.join(' and ')} not installed (apt-get install crowdsec)`;
  else if (process.getuid?.() !== 0) reason = 'the CrowdSec tests run as root';
  if (reason !== '' && process.env['CI']) throw new Error(`CI: cannot run the CrowdSec tests: ${reason}`);
  return { skip: reason !== '', reason: reason || 'needs root and crowdsec' };
}

// A TCP port nothing listens on now: bind port 0, read what the kernel gave, release it.
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from bind(0)'))));
    });
  });
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// config.yaml for an API-only crowdsec, modelled on Debian's /etc/crowdsec/config.yaml: no
// daemonizing, log on stdout (into crowdsec.log), sqlite and config in the temp dir, no Central
// API (online_client left out), no Prometheus. The hub dir is an empty one of its own: -no-cs needs
// no parsers or scenarios. Of config_dir, only profiles.yaml is required.
// Loopback is trusted; so is a specific listen address, but not a wildcard one (0.0.0.0 or ::).
function configYaml(dir: string, host: string, port: number): string {
  const trusted = ['127.0.0.1', '::1', ...(['127.0.0.1', '::1', ...WILDCARDS].includes(host) ? [] : [host])];
  return `common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: ${dir}
config_paths:
  config_dir: ${dir}/config/
  data_dir: ${dir}/data/
  simulation_path: ${dir}/config/simulation.yaml
  hub_dir: ${dir}/hub/
  index_path: ${dir}/hub/.index.json
  notification_dir: ${dir}/config/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
cscli:
  output: human
  color: false
db_config:
  log_level: info
  type: sqlite
  db_path: ${dir}/data/crowdsec.db
  use_wal: true
  flush:
    max_items: 5000
    max_age: 7d
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${dir}/config/local_api_credentials.yaml
  server:
    log_level: info
    listen_uri: ${hostPort(host, port)}
    profiles_path: ${dir}/config/profiles.yaml
    console_path: ${dir}/config/console.yaml
    trusted_ips:
${trusted.map((ip) => `      - ${ip}`).join('\n')}
prometheus:
  enabled: false
  level: full
  listen_addr: 127.0.0.1
  listen_port: 6060
`;
}

// Debian's default profile: an alert with remediation and no decisions of its own gets a 4h ban.
// Alerts that carry decisions (what logban pushes) keep theirs.
const PROFILES = `name: default_ip_remediation
filters:
 - Alert.Remediation == true && Alert.GetScope() == "Ip"
decisions:
 - type: ban
   duration: 4h
on_success: break
`;

const WILDCARDS = ['0.0.0.0', '::'];

// Where to reach a listen address from the same namespace: a wildcard through loopback.
function reachable(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** In a namespace, the port when none is given: the namespace is the test's own, nothing else listens there. */
export const NETNS_LAPI_PORT = 8080;

/**
 * Starts crowdsec's Local API and resolves once GET /health answers.
 * - `host`: the listen address; 127.0.0.1 by default, 0.0.0.0 by default with `netns`.
 * - `port`: a free one by default, NETNS_LAPI_PORT with `netns`.
 * - `netns`: run crowdsec and cscli inside this network namespace (which must exist and have lo up);
 *   readiness is polled from inside it.
 */
export async function startLapi(opts: { host?: string; port?: number; netns?: string } = {}): Promise<Lapi> {
  const crowdsec = findBin('crowdsec');
  const cscliBin = findBin('cscli');
  if (crowdsec === null || cscliBin === null) throw new Error('crowdsec/cscli not installed: check crowdsecOrSkip() first');
  const netns = opts.netns ?? null;
  const host = opts.host ?? (netns === null ? '127.0.0.1' : '0.0.0.0');
  const port = opts.port ?? (netns === null ? await freePort(host) : NETNS_LAPI_PORT);
  // argv of a command run where crowdsec runs: `ip netns exec NS` execs it, so a spawned pid is the command's own.
  const inNs = (argv: readonly string[]): string[] => (netns === null ? [...argv] : [IP_BIN, 'netns', 'exec', netns, ...argv]);
  if (netns !== null) {
    const r = spawnSync(IP_BIN, ['netns', 'exec', netns, 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`cannot enter network namespace ${netns}: ${r.stderr || r.error?.message}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'logban-lapi-'));
  for (const sub of ['config', 'data', 'hub']) mkdirSync(join(dir, sub));
  const config = join(dir, 'config.yaml');
  const logPath = join(dir, 'crowdsec.log');
  writeFileSync(config, configYaml(dir, host, port));
  writeFileSync(join(dir, 'config', 'profiles.yaml'), PROFILES);
  writeFileSync(join(dir, 'config', 'simulation.yaml'), 'simulation: off\n');
  const url = `http://${hostPort(reachable(host), port)}`;

  // The JWT secret is crowdsec's own random one per start (CS_LAPI_SECRET unset): a watcher's
  // token stops working when the LAPI restarts, as on a real host.
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  delete env['CS_LAPI_SECRET'];

  const cscli = (args: readonly string[]) => {
    const argv = inNs([cscliBin, '-c', config, ...args]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000, env });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  };
  const mustCscli = (args: readonly string[]) => {
    const r = cscli(args);
    if (r.code !== 0) throw new Error(`cscli ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  let child: ChildProcess | null = null;
  const running = () => child !== null && child.exitCode === null && child.signalCode === null;

  async function start(): Promise<void> {
    if (running()) throw new Error(`crowdsec already runs (pid ${child!.pid})`);
    const out = openSync(logPath, 'a');
    const argv = inNs([crowdsec!, '-c', config, '-no-cs', '-no-capi']);
    const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, out], env });
    closeSync(out);
    child = c;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.once('error', () => undefined);
    const up = netns === null ? await waitHealth(url, exited) : await waitHealthIn(netns, url, exited);
    if (c.exitCode !== null || c.signalCode !== null) throw new Error(`crowdsec exited (${c.exitCode ?? c.signalCode}) before it answered: ${log()}`);
    if (!up) {
      await stopChild(c, exited);
      throw new Error(`crowdsec did not answer on ${url}/health${netns === null ? '' : ` in ${netns}`} within ${READY_LIMIT_MS} ms: ${log()}`);
    }
  }

  async function stop(): Promise<void> {
    const c = child;
    if (c === null || !running()) return;
    await stopChild(c, new Promise<void>((resolve) => c.once('exit', () => resolve())));
  }

  try {
    await start();
    // The watcher logban pushes as, and one for cscli itself (cscli decisions add/list talk to the LAPI).
    const machine = { id: 'logban-test', password: randomBytes(24).toString('hex'), passwordFile: join(dir, 'machine.secret') };
    // In a namespace the listen address is a wildcard, which cscli would write as the URL; give it the reachable one.
    const urlArg = netns === null ? [] : ['--url', `${url}/`];
    mustCscli(['machines', 'add', machine.id, '--password', machine.password, '-f', join(dir, 'machine-credentials.yaml'), ...urlArg]);
    mustCscli(['machines', 'add', 'cscli-test', '--auto', '-f', join(dir, 'config', 'local_api_credentials.yaml'), ...urlArg]);
    const bouncerKey = mustCscli(['bouncers', 'add', 'logban-test', '-o', 'raw']).trim();
    if (!/^[0-9a-f]{16,}$/.test(bouncerKey)) throw new Error(`cscli bouncers add printed no key: ${JSON.stringify(bouncerKey)}`);
    const bouncerKeyFile = join(dir, 'bouncer.secret');
    writeFileSync(machine.passwordFile, `${machine.password}\n`, { mode: 0o600 });
    writeFileSync(bouncerKeyFile, `${bouncerKey}\n`, { mode: 0o600 });
    return {
      url, netns, port, dir, config, machine, bouncerKey, bouncerKeyFile,
      get pid() { return child?.pid ?? -1; },
      cscli, log, stop, start,
      async remove() {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// GET /health answers {"status":"up"} once the API listens (no credentials needed).
async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

// Polls /health from the test process until it answers (true), crowdsec exits or the limit passes (false).
async function waitHealth(url: string, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + READY_LIMIT_MS;
  while (!gone) {
    if (await answers(url)) return true;
    if (Date.now() > deadline) return false;
    await Promise.race([exited, delay(POLL_MS)]);
  }
  return false;
}

// The same from inside a namespace: one node process there polls /health every POLL_MS and exits
// 0 once it answers, 1 at the limit. Stopped (by its pid) when crowdsec exits first.
const healthPoller = (url: string) => `
  const deadline = Date.now() + ${READY_LIMIT_MS};
  const once = () => fetch(${JSON.stringify(`${url}/health`)}, { signal: AbortSignal.timeout(1000) })
    .then((r) => r.arrayBuffer().then(() => r.ok), () => false);
  (async () => {
    for (;;) {
      if (await once()) process.exit(0);
      if (Date.now() > deadline) process.exit(1);
      await new Promise((r) => setTimeout(r, ${POLL_MS}));
    }
  })();
`;

async function waitHealthIn(ns: string, url: string, exited: Promise<void>): Promise<boolean> {
  const poller = spawn(IP_BIN, ['netns', 'exec', ns, process.execPath, '-e', healthPoller(url)], { stdio: 'ignore' });
  const done = new Promise<boolean>((resolve) => {
    poller.once('exit', (code) => resolve(code === 0));
    poller.once('error', () => resolve(false));
  });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), READY_LIMIT_MS + 5_000); });
  const first = await Promise.race([done, exited.then(() => 'exited' as const), hung]);
  clearTimeout(timer);
  if (first === true || first === false) return first;
  if (poller.pid !== undefined && poller.exitCode === null && poller.signalCode === null) process.kill(poller.pid, 'SIGKILL');
  await done;
  return false;
}

export type FetchInit = { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number };

// What the fetch inside the namespace prints: the answer, or the error's cause code (ECONNREFUSED,
// UND_ERR_CONNECT_TIMEOUT, ...) or name (TimeoutError).
const fetchScript = `
  const [url, init] = JSON.parse(process.argv[1]);
  fetch(url, { method: init.method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(init.timeoutMs) })
    .then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })))
    .catch((e) => console.log(JSON.stringify({ error: (e.cause && e.cause.code) || e.name || String(e) })));
`;

/**
 * One HTTP request made from inside network namespace `ns` (a node process there, argv only).
 * Resolves with the status and body; rejects with the error (refused, timeout, ...) otherwise.
 */
export function fetchIn(ns: string, url: string, init: FetchInit = {}): Promise<{ status: number; text: string }> {
  const timeoutMs = init.timeoutMs ?? 5000;
  const request = JSON.stringify([url, { method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body, timeoutMs }]);
  const c = spawn(IP_BIN, ['netns', 'exec', ns, process.execPath, '-e', fetchScript, request], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stdout.on('data', (d) => { out += String(d); });
  c.stderr.on('data', (d) => { err += String(d); });
  // A bound on the process itself too, in case node never starts in the namespace.
  const guard = setTimeout(() => { if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, 'SIGKILL'); }, timeoutMs + 10_000);
  return new Promise((resolve, reject) => {
    c.once('error', (e) => { clearTimeout(guard); reject(e); });
    c.once('close', (code) => {
      clearTimeout(guard);
      let r: { status?: number; text?: string; error?: string };
      try {
        r = JSON.parse(out) as typeof r;
      } catch {
        reject(new Error(`fetch ${url} in ${ns}: exited ${code}: ${err || out}`));
        return;
      }
      if (r.error !== undefined) reject(new Error(`fetch ${url} in ${ns}: ${r.error}`));
      else resolve({ status: r.status!, text: r.text! });
    });
  });
}

// A request to the LAPI from where it runs: straight from the test process, or through its namespace.
async function lapiFetch(lapi: Lapi, path: string, init: FetchInit): Promise<{ status: number; text: string }> {
  if (lapi.netns !== null) return fetchIn(lapi.netns, `${lapi.url}${path}`, init);
  const r = await fetch(`${lapi.url}${path}`, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
  });
  return { status: r.status, text: await r.text() };
}

async function stopChild(c: ChildProcess, exited: Promise<void>): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
  process.kill(c.pid, 'SIGTERM');
  const gone = await Promise.race([exited.then(() => true), delay(STOP_LIMIT_MS).then(() => false)]);
  if (!gone && c.exitCode === null && c.signalCode === null) {
    process.kill(c.pid, 'SIGKILL');
    await exited;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// crowdsec 1.4.6 refuses a watcher's login (401 "incorrect Username or Password", its log says
// "bad user agent") unless the User-Agent is NAME/VERSION with exactly one "/"; Node's fetch sends "node".
export const USER_AGENT = 'logban-test/0.1.0';

// A watcher's JWT: POST /v1/watchers/login (from inside lapi.netns when set). Throws with the status and body when refused.
export async function watcherToken(lapi: Lapi, machine: { id: string; password: string } = lapi.machine): Promise<string> {
  const r = await lapiFetch(lapi, '/v1/watchers/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify({ machine_id: machine.id, password: machine.password }),
  });
  const text = r.text;
  if (r.status !== 200) throw new Error(`login as ${machine.id}: ${r.status} ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

export type StreamDecision = { id: number; origin: string; type: string; scope: string; value: string; duration: string; scenario: string };

// One bouncer pull: GET /v1/decisions/stream (startup=true: everything active, plus expired ones), from inside lapi.netns when set.
export async function bouncerStream(lapi: Lapi, startup: boolean, key = lapi.bouncerKey): Promise<{ new: StreamDecision[]; deleted: StreamDecision[] }> {
  const r = await lapiFetch(lapi, `/v1/decisions/stream?startup=${startup}`, { headers: { 'X-Api-Key': key, 'User-Agent': USER_AGENT } });
  const text = r.text;
  if (r.status !== 200) throw new Error(`decisions stream: ${r.status} ${text}`);
  const body = JSON.parse(text) as { new: StreamDecision[] | null; deleted: StreamDecision[] | null };
  return { new: body.new ?? [], deleted: body.deleted ?? [] };
}

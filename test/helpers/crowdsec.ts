import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real CrowdSec Local API (crowdsec -no-cs -no-capi) for the fleet tests: its own config, sqlite
// database and log in a fresh temp dir, listening on loopback; nothing in /etc/crowdsec or
// /var/lib/crowdsec is read or written. One watcher (machine) and one bouncer are registered, their
// secrets in mode-0600 files, the way logban reads them.

export type Lapi = {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** The temp dir holding config.yaml, the database, the log and the secret files. */
  readonly dir: string;
  /** The crowdsec config file, for `crowdsec -c` and `cscli -c`. */
  readonly config: string;
  /** The running crowdsec's pid (a new one after `start`). */
  readonly pid: number;
  /** The watcher logban pushes as; the password is also on the first line of `passwordFile`. */
  readonly machine: { id: string; password: string; passwordFile: string };
  /** The bouncer logban pulls as; the key is also on the first line of `bouncerKeyFile`. */
  readonly bouncerKey: string;
  readonly bouncerKeyFile: string;
  /** `cscli -c CONFIG ...args` (argv, no shell); `cscli decisions add` works (own machine credentials). */
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
  return { skip: reason !== '', reason };
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
function configYaml(dir: string, host: string, port: number): string {
  const trusted = ['127.0.0.1', '::1', ...(['127.0.0.1', '::1'].includes(host) ? [] : [host])];
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

export async function startLapi(opts: { host?: string; port?: number } = {}): Promise<Lapi> {
  const crowdsec = findBin('crowdsec');
  const cscliBin = findBin('cscli');
  if (crowdsec === null || cscliBin === null) throw new Error('crowdsec/cscli not installed: check crowdsecOrSkip() first');
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const dir = mkdtempSync(join(tmpdir(), 'logban-lapi-'));
  for (const sub of ['config', 'data', 'hub']) mkdirSync(join(dir, sub));
  const config = join(dir, 'config.yaml');
  const logPath = join(dir, 'crowdsec.log');
  writeFileSync(config, configYaml(dir, host, port));
  writeFileSync(join(dir, 'config', 'profiles.yaml'), PROFILES);
  writeFileSync(join(dir, 'config', 'simulation.yaml'), 'simulation: off\n');
  const url = `http://${hostPort(host, port)}`;

  // The JWT secret is crowdsec's own random one per start (CS_LAPI_SECRET unset): a watcher's
  // token stops working when the LAPI restarts, as on a real host.
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: 'UTC' };
  delete env['CS_LAPI_SECRET'];

  const cscli = (args: readonly string[]) => {
    const r = spawnSync(cscliBin, ['-c', config, ...args], { encoding: 'utf8', timeout: 30_000, env });
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
    const c = spawn(crowdsec!, ['-c', config, '-no-cs', '-no-capi'], { stdio: ['ignore', out, out], env });
    closeSync(out);
    child = c;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.once('error', () => undefined);
    const deadline = Date.now() + READY_LIMIT_MS;
    for (;;) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`crowdsec exited (${c.exitCode ?? c.signalCode}) before it answered: ${log()}`);
      if (await answers(url)) return;
      if (Date.now() > deadline) {
        await stopChild(c, exited);
        throw new Error(`crowdsec did not answer on ${url}/health within ${READY_LIMIT_MS} ms: ${log()}`);
      }
      await Promise.race([exited, delay(POLL_MS)]);
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
    mustCscli(['machines', 'add', machine.id, '--password', machine.password, '-f', join(dir, 'machine-credentials.yaml')]);
    mustCscli(['machines', 'add', 'cscli-test', '--auto', '-f', join(dir, 'config', 'local_api_credentials.yaml')]);
    const bouncerKey = mustCscli(['bouncers', 'add', 'logban-test', '-o', 'raw']).trim();
    if (!/^[0-9a-f]{16,}$/.test(bouncerKey)) throw new Error(`cscli bouncers add printed no key: ${JSON.stringify(bouncerKey)}`);
    const bouncerKeyFile = join(dir, 'bouncer.secret');
    writeFileSync(machine.passwordFile, `${machine.password}\n`, { mode: 0o600 });
    writeFileSync(bouncerKeyFile, `${bouncerKey}\n`, { mode: 0o600 });
    return {
      url, dir, config, machine, bouncerKey, bouncerKeyFile,
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

// A watcher's JWT: POST /v1/watchers/login. Throws with the status and body when refused.
export async function watcherToken(lapi: Lapi, machine: { id: string; password: string } = lapi.machine): Promise<string> {
  const r = await fetch(`${lapi.url}/v1/watchers/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify({ machine_id: machine.id, password: machine.password }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`login as ${machine.id}: ${r.status} ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

export type StreamDecision = { id: number; origin: string; type: string; scope: string; value: string; duration: string; scenario: string };

// One bouncer pull: GET /v1/decisions/stream (startup=true: everything active, plus expired ones).
export async function bouncerStream(lapi: Lapi, startup: boolean, key = lapi.bouncerKey): Promise<{ new: StreamDecision[]; deleted: StreamDecision[] }> {
  const r = await fetch(`${lapi.url}/v1/decisions/stream?startup=${startup}`, { headers: { 'X-Api-Key': key, 'User-Agent': USER_AGENT }, signal: AbortSignal.timeout(5000) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`decisions stream: ${r.status} ${text}`);
  const body = JSON.parse(text) as { new: StreamDecision[] | null; deleted: StreamDecision[] | null };
  return { new: body.new ?? [], deleted: body.deleted ?? [] };
}

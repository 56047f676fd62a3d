import { scenarioOf, scopeOf, type Outgoing, type StreamAnswer } from '../../core/fleet.js';
import { toIso } from '../../core/timestamp.js';
import { capLength } from '../../core/text-safety.js';
import type { FleetSettings } from '../../config/types.js';
import { readSecret, SecretError } from './secret.js';
import { logbanVersion } from '../version.js';
import { FleetError, type FleetEngine, type Sent } from './types.js';

// CrowdSec's Local API (v1) as logban's fleet engine: a watcher (machine_id and its password)
// pushes this host's bans as alerts and deletes their decisions on unban; a bouncer (its key)
// pulls everyone's decisions from the stream. Every call of one run shares one time budget.

/** A log line sent as an event's meta is at most this long (a mail's evidence line is cut the same). */
const EVIDENCE_CHARS = 2000;

/** A permanent ban is sent as ten years: the engine takes no decision without an end. */
const PERMANENT_SECONDS = 10 * 365 * 86400;

export type CrowdsecOptions = {
  /** The time all calls of one run may take together, in ms. */
  readonly budgetMs?: number;
  /** The host's name in the alerts' messages. */
  readonly host?: string;
};

type Json = Record<string, unknown>;

// The reason of a failed call in one line (no secret is ever part of a request's URL).
function reasonOf(e: unknown, ms: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${Math.round(ms / 100) / 10} s`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message ?? 'fetch failed'} (${cause})` : (err.message ?? String(e));
}

// One alert with one decision for a ban of this host. The engine ends a decision at the alert's
// stop_at plus its duration, so stop_at is now and the duration what is left of the ban.
export function alertOf(item: Extract<Outgoing, { kind: 'ban' }>, now: number, host: string): Json {
  const left = item.expiresAt === null ? PERMANENT_SECONDS : Math.max(1, Math.ceil(item.expiresAt - now));
  const scope = scopeOf(item.target);
  const at = toIso(now);
  const meta = [
    { key: 'service', value: item.jail },
    // Log lines are attacker-written and may be long: each is sent cut to EVIDENCE_CHARS.
    ...item.evidence.map((line, i) => ({ key: `log_line_${i + 1}`, value: capLength(line, EVIDENCE_CHARS) })),
    ...(item.addresses ? [{ key: 'addresses', value: item.addresses.join(' ') }] : []),
  ];
  return {
    scenario: scenarioOf(item.jail),
    scenario_hash: '',
    scenario_version: '',
    message: `logban on ${host}: ${item.target} banned in jail ${item.jail} after ${item.failures} failure(s)`,
    events_count: Math.max(1, item.failures),
    start_at: toIso(item.firstSeen),
    stop_at: at,
    capacity: 0,
    leakspeed: '0',
    simulated: false,
    events: [{ timestamp: at, meta }],
    source: scope === 'Ip' ? { scope, value: item.target, ip: item.target } : { scope, value: item.target, range: item.target },
    decisions: [{ duration: `${left}s`, type: 'ban', scope, value: item.target, origin: 'logban', scenario: scenarioOf(item.jail) }],
  };
}

export function createCrowdsecEngine(settings: FleetSettings, opts: CrowdsecOptions = {}): FleetEngine {
  const budget = opts.budgetMs ?? 5000;
  const started = Date.now();
  const host = opts.host ?? 'this host';
  let token: string | null = null;

  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; data: unknown }> => {
    const left = budget - (Date.now() - started);
    if (left <= 0) throw new FleetError(`no time left for ${method} ${path} (${budget / 1000} s a run)`);
    let res: Response;
    try {
      res = await fetch(`${settings.url}${path}`, {
        method,
        // The LAPI refuses a watcher's login unless the user agent is "name/version".
        headers: { 'user-agent': `logban/${logbanVersion()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(left),
      });
    } catch (e) {
      throw new FleetError(reasonOf(e, left));
    }
    const text = await res.text().catch(() => '');
    let data: unknown = null;
    try {
      data = text === '' ? null : JSON.parse(text);
    } catch {
      data = text;
    }
    return { status: res.status, data };
  };

  const refusal = (what: string, r: { status: number; data: unknown }) => {
    const message = typeof r.data === 'object' && r.data !== null && typeof (r.data as Json)['message'] === 'string' ? (r.data as Json)['message'] : '';
    return new FleetError(`${what}: HTTP ${r.status}${message ? ` (${String(message).slice(0, 200)})` : ''}`);
  };

  const login = async (): Promise<string> => {
    const password = readSecret(settings.passwordFile!, 'machine password');
    const r = await call('POST', '/v1/watchers/login', {}, { machine_id: settings.machineId, password, scenarios: [] });
    const t = (r.data as Json | null)?.['token'];
    if (r.status !== 200 || typeof t !== 'string') {
      throw refusal(`login as machine ${settings.machineId} refused${r.status === 401 || r.status === 403 ? ': check machine_id and password_file (cscli machines list)' : ''}`, r);
    }
    return t;
  };

  // A watcher's call, logged in first (a token lives an hour: one login a run, and again on a 401).
  const asWatcher = async (method: string, path: string, body?: unknown) => {
    token ??= await login();
    let r = await call(method, path, { authorization: `Bearer ${token}` }, body);
    if (r.status === 401) {
      token = await login();
      r = await call(method, path, { authorization: `Bearer ${token}` }, body);
    }
    return r;
  };

  const sendOne = async (item: Outgoing, now: number): Promise<void> => {
    if (item.kind === 'ban') {
      const r = await asWatcher('POST', '/v1/alerts', [alertOf(item, now, host)]);
      if (r.status !== 201 && r.status !== 200) throw refusal(`alert for ${item.target} refused`, r);
      return;
    }
    // Only logban's own decisions of this jail for the target (and, for a block, inside it), not
    // a wider range that holds it (the LAPI's contains=true would take those too), nor the fleet's
    // others. Deleting one already gone (expired, deleted before the engine restarted) deletes
    // nothing, and is no error.
    const key = scopeOf(item.target) === 'Ip' ? 'ip' : 'range';
    const query = new URLSearchParams({ [key]: item.target, contains: 'false', origin: 'logban', scenario: scenarioOf(item.jail) });
    const r = await asWatcher('DELETE', `/v1/decisions?${query}`);
    if (r.status !== 200) throw refusal(`unban of ${item.target} refused`, r);
  };

  return {
    async pull(startup) {
      const key = readSecret(settings.bouncerKeyFile!, 'bouncer key');
      const r = await call('GET', `/v1/decisions/stream?startup=${startup}`, { 'x-api-key': key });
      if (r.status === 403 || r.status === 401) throw refusal('bouncer key refused: check bouncer_key_file (cscli bouncers list)', r);
      if (r.status !== 200) throw refusal('decisions stream', r);
      const data = (r.data ?? {}) as Json;
      const list = (v: unknown) => (Array.isArray(v) ? (v as StreamAnswer['new']) : null);
      return { new: list(data['new']), deleted: list(data['deleted']) };
    },
    // Reachable (/health), the watcher's login, the bouncer's key (a lookup of one documentation
    // address, which leaves the key's stream where it was): one line each, nothing changed.
    async check() {
      const lines: string[] = [];
      let ok = true;
      const step = async (what: string, run: () => Promise<string>) => {
        try {
          lines.push(`ok      ${what}: ${await run()}`);
        } catch (e) {
          ok = false;
          lines.push(`failed  ${what}: ${(e as Error).message}`);
        }
      };
      await step(`the Local API at ${settings.url}`, async () => {
        const r = await call('GET', '/health', {});
        if (r.status !== 200) throw refusal('/health', r);
        return 'answers';
      });
      if (settings.machineId !== null) {
        await step(`machine ${settings.machineId} (push ${settings.push ? 'on' : 'off'})`, async () => {
          token = await login();
          return 'logged in';
        });
      }
      if (settings.bouncerKeyFile !== null) {
        await step(`bouncer key in ${settings.bouncerKeyFile} (pull ${settings.pull ? 'on' : 'off'})`, async () => {
          const key = readSecret(settings.bouncerKeyFile!, 'bouncer key');
          const r = await call('GET', '/v1/decisions?ip=192.0.2.0', { 'x-api-key': key });
          if (r.status !== 200) throw refusal('key refused: check it (cscli bouncers list)', r);
          return 'accepted';
        });
      }
      return { ok, lines };
    },
    async send(items, now): Promise<Sent> {
      let sent = 0;
      try {
        for (const item of items) {
          await sendOne(item, now);
          sent++;
        }
        return { sent };
      } catch (e) {
        return { sent, error: e instanceof FleetError || e instanceof SecretError ? e.message : String(e) };
      }
    },
  };
}

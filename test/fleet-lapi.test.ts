import { statSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bouncerStream, crowdsecOrSkip, startLapi, USER_AGENT, watcherToken, type Lapi, type StreamDecision } from './helpers/crowdsec.js';

// The CrowdSec rig itself, against the real crowdsec 1.4.6 Local API: a watcher pushes, the bouncer
// stream shows it, a delete shows as deleted, and a restart keeps the database.
const gate = crowdsecOrSkip();
const ATTACKER = '203.0.113.50';
const RANGE = '2001:db8:1:2::/64';

// One alert with one decision, as logban pushes it (the fields 1.4.6 requires, all of them).
function alert(scope: 'Ip' | 'Range', value: string, stopAt: Date, duration = '3600s') {
  const at = stopAt.toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    scenario: 'logban/sshd', scenario_hash: '', scenario_version: '', message: `logban: ${value} banned (sshd)`,
    events_count: 5, start_at: at, stop_at: at, capacity: 0, leakspeed: '0', simulated: false,
    events: [{ timestamp: at, meta: [{ key: 'service', value: 'sshd' }] }],
    source: { scope, value },
    decisions: [{ duration, type: 'ban', scope, value, origin: 'logban', scenario: 'logban/sshd' }],
  };
}

async function call(lapi: Lapi, token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${lapi.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
  return { status: r.status, body: (await r.json()) as unknown };
}

const values = (ds: readonly StreamDecision[]) => ds.map((d) => `${d.scope}:${d.value}`).sort();

describe.skipIf(gate.skip)(`CrowdSec Local API rig (${gate.reason})`, () => {
  let lapi: Lapi;
  beforeAll(async () => { lapi = await startLapi(); }, 30_000);
  afterAll(async () => { await lapi?.remove(); }, 30_000);

  it('registers a watcher and a bouncer whose secrets are in 0600 files', () => {
    expect(lapi.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(lapi.machine.passwordFile).mode & 0o777).toBe(0o600);
    expect(statSync(lapi.bouncerKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(lapi.machine.passwordFile, 'utf8')).toBe(`${lapi.machine.password}\n`);
    expect(readFileSync(lapi.bouncerKeyFile, 'utf8')).toBe(`${lapi.bouncerKey}\n`);
    const machines = JSON.parse(lapi.cscli(['machines', 'list', '-o', 'json']).stdout) as { machineId: string }[];
    expect(machines.map((m) => m.machineId)).toContain(lapi.machine.id);
  });

  it('push, stream, delete, range, restart', async () => {
    let token = await watcherToken(lapi);
    expect(await bouncerStream(lapi, true)).toEqual({ new: [], deleted: [] });

    const pushed = await call(lapi, token, 'POST', '/v1/alerts', [alert('Ip', ATTACKER, new Date())]);
    expect(pushed.status).toBe(201);
    expect(pushed.body).toEqual([expect.stringMatching(/^\d+$/)]);

    const first = await bouncerStream(lapi, true);
    expect(first.new).toEqual([expect.objectContaining({ origin: 'logban', type: 'ban', scope: 'Ip', value: ATTACKER, scenario: 'logban/sshd' })]);
    expect(first.new[0]!.duration).toMatch(/^(59m|1h0m0s)/);

    const del = await call(lapi, token, 'DELETE', `/v1/decisions?ip=${ATTACKER}`);
    expect(del).toEqual({ status: 200, body: { nbDeleted: '1' } });
    const after = await bouncerStream(lapi, false);
    expect(after.new).toEqual([]);
    expect(after.deleted).toEqual([expect.objectContaining({ id: first.new[0]!.id, scope: 'Ip', value: ATTACKER, origin: 'logban' })]);
    expect(after.deleted[0]!.duration).toMatch(/^-/);

    expect((await call(lapi, token, 'POST', '/v1/alerts', [alert('Range', RANGE, new Date())])).status).toBe(201);
    const ranged = await bouncerStream(lapi, false);
    expect(values(ranged.new)).toEqual([`Range:${RANGE}`]);

    const before = values((await bouncerStream(lapi, true)).new);
    const oldPid = lapi.pid;
    await lapi.stop();
    await lapi.start();
    expect(lapi.pid).not.toBe(oldPid);
    expect(values((await bouncerStream(lapi, true)).new)).toEqual(before);
    // A restart makes a new JWT secret: the old token is refused, a new login works.
    expect((await call(lapi, token, 'POST', '/v1/alerts', [])).status).toBe(401);
    token = await watcherToken(lapi);
    expect((await call(lapi, token, 'POST', '/v1/alerts', [])).status).toBe(201);
  }, 60_000);

  it('cscli decisions add (its own machine) shows in the stream with origin "cscli"', async () => {
    await bouncerStream(lapi, false);
    expect(lapi.cscli(['decisions', 'add', '--range', '198.51.100.0/24', '--duration', '4h']).code).toBe(0);
    const pulled = await bouncerStream(lapi, false);
    expect(pulled.new).toEqual([expect.objectContaining({ origin: 'cscli', scope: 'Range', value: '198.51.100.0/24', type: 'ban' })]);
    expect(pulled.new[0]!.duration).toMatch(/^3h59m/);
  });
});

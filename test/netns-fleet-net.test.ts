import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bouncerStream, crowdsecOrSkip, NETNS_LAPI_PORT, startLapi, watcherToken, type Lapi } from './helpers/crowdsec.js';
import { createFleetNet, healthFrom, type FleetNet } from './helpers/fleet-net.js';
import { createNetnsPool, IP_BIN, nsExec, probe, sh, startServer } from './helpers/netns.js';

// The fleet tests' ground on its own: a real LAPI in a namespace of its own, two servers that
// reach it over their own links, and an attacker that reaches both servers from the same addresses.
const gate = crowdsecOrSkip();
const PORT = 2222;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const namespaces = () => sh([IP_BIN, 'netns', 'list']).stdout;

describe.skipIf(gate.skip)(`the fleet network (${gate.reason})`, () => {
  const pool = createNetnsPool();
  let net: FleetNet;
  let lapi: Lapi;
  beforeAll(async () => {
    net = createFleetNet(pool, NETNS_LAPI_PORT);
    lapi = await startLapi({ netns: net.lapi, port: NETNS_LAPI_PORT });
    for (const h of net.hosts) await startServer(pool, h.ns, [PORT]);
  }, 60_000);
  afterAll(async () => {
    await lapi?.remove();
    pool.cleanup();
  }, 30_000);

  it('runs crowdsec inside the LAPI namespace, listening on 0.0.0.0', () => {
    expect(lapi.netns).toBe(net.lapi);
    expect(lapi.url).toBe(`http://127.0.0.1:${NETNS_LAPI_PORT}`);
    // `ip netns exec` execs crowdsec: the pid the rig holds is crowdsec's, in the LAPI's namespace.
    expect(sh(['cat', `/proc/${lapi.pid}/comm`]).stdout.trim()).toBe('crowdsec');
    expect(sh([IP_BIN, 'netns', 'identify', String(lapi.pid)]).stdout.trim()).toBe(net.lapi);
    // Go listens on 0.0.0.0 with one dual-stack socket, which ss shows as *:PORT.
    expect(nsExec(net.lapi, ['ss', '-Htln', `sport = :${NETNS_LAPI_PORT}`]).stdout).toMatch(new RegExp(`(0\\.0\\.0\\.0|\\*):${NETNS_LAPI_PORT} `));
  });

  it('both hosts reach the LAPI over their own link', async () => {
    for (const [i, h] of net.hosts.entries()) {
      expect(h.lapiUrl).toBe(`http://198.51.100.${1 + 4 * i}:${NETNS_LAPI_PORT}`);
      expect(await healthFrom(h.ns, h.lapiUrl)).toEqual({ status: 200, body: { status: 'up' } });
      // The LAPI sees the host's own link address as the client.
      expect(lapi.log()).toContain(h.lapiSide4);
    }
    // Each host only has its own link: the other host's LAPI address is not reachable.
    await expect(healthFrom(net.hosts[0].ns, net.hosts[1].lapiUrl, 1000)).rejects.toThrow(/ENETUNREACH|EHOSTUNREACH|Timeout|UND_ERR_CONNECT_TIMEOUT/);
  });

  it('the attacker reaches both servers from each of its addresses', () => {
    for (const h of net.hosts) {
      for (const [addr, local] of [[h.addr4, net.attacker4], [h.addr4, net.other4], [h.addr6, net.attacker6], [h.addr6, net.other6]] as const) {
        expect(`${addr} from ${local}: ${probe(net.attacker, addr, PORT, local)}`).toBe(`${addr} from ${local}: ok`);
      }
      // Without a local address, the attacker connects from attacker4 / attacker6.
      expect(probe(net.attacker, h.addr4, PORT)).toBe('ok');
      expect(nsExec(net.attacker, [IP_BIN, 'route', 'get', h.addr4]).stdout).toContain(`src ${net.attacker4}`);
      expect(nsExec(net.attacker, [IP_BIN, '-6', 'route', 'get', h.addr6]).stdout).toContain(`src ${net.attacker6}`);
    }
  });

  it('cscli decisions add works in the namespace, and the stream shows it', async () => {
    const added = lapi.cscli(['decisions', 'add', '--ip', net.attacker4, '--duration', '1h']);
    expect(added.code, added.stderr).toBe(0);
    const pulled = await bouncerStream(lapi, true);
    expect(pulled.new).toEqual([expect.objectContaining({ origin: 'cscli', scope: 'Ip', value: net.attacker4, type: 'ban' })]);
    expect(await watcherToken(lapi)).toMatch(/^ey/);
  });

  it('stops and starts again in the namespace', async () => {
    const oldPid = lapi.pid;
    await lapi.stop();
    expect(alive(oldPid)).toBe(false);
    await expect(healthFrom(net.hosts[0].ns, net.hosts[0].lapiUrl, 1000)).rejects.toThrow(/ECONNREFUSED/);
    await lapi.start();
    expect(lapi.pid).not.toBe(oldPid);
    expect(sh([IP_BIN, 'netns', 'identify', String(lapi.pid)]).stdout.trim()).toBe(net.lapi);
    for (const h of net.hosts) expect(await healthFrom(h.ns, h.lapiUrl)).toEqual({ status: 200, body: { status: 'up' } });
    expect((await bouncerStream(lapi, true)).new.map((d) => d.value)).toEqual([net.attacker4]);
  }, 30_000);

  it('leaves nothing behind', async () => {
    const pid = lapi.pid;
    const all = [net.lapi, net.attacker, ...net.hosts.map((h) => h.ns)];
    await lapi.remove();
    pool.cleanup();
    expect(alive(pid)).toBe(false);
    expect(existsSync(lapi.dir)).toBe(false);
    const left = namespaces();
    for (const ns of all) expect(left).not.toContain(ns);
  }, 30_000);
});

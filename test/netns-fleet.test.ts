import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crowdsecOrSkip, NETNS_LAPI_PORT, startLapi, type Lapi } from './helpers/crowdsec.js';
import { createFleetNet, type FleetHost, type FleetNet } from './helpers/fleet-net.js';
import { makeSandbox, type ScanJson } from './helpers/cli.js';
import { writeFleetHost } from './helpers/fleet-host.js';
import { cliIn, createNetnsPool, flushFirewall, IP_BIN, nsExec, probe, scanIn, startServer } from './helpers/netns.js';

// Two logban hosts and a real CrowdSec Local API, each in a network namespace of its own, with
// real firewalls and real traffic: a ban on host 1 blocks the attacker on host 2, whose logs hold
// nothing; host 1's unban lifts it there; a /64 range decision blocks a fresh address of the /64;
// with the LAPI stopped host 1 bans locally, warns, and its alert arrives once the LAPI is back;
// host 2's ignoreip always wins. Each backend.
const gate = crowdsecOrSkip();
const BACKENDS = ['iptables', 'ipset', 'nftables'] as const;
const SSH_PORT = 2222;
const WEB_PORT = 8080;

// The LAPI ends decisions by its own clock: the hosts run at the real time, each scan a little later.
const started = Date.now();
let tick = 0;
const now = () => new Date(started + ++tick * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const failures = (ip: string) => [0, 1, 2].map((s) => `${new Date(started + (tick - 10 + s) * 1000).toISOString().replace(/\.\d+Z$/, 'Z')} web sshd[4242]: Failed password for root from ${ip} port 5555 ssh2\n`).join('');

type Host = { net: FleetHost; sb: ReturnType<typeof makeSandbox> };

describe.skipIf(gate.skip)(`a fleet of two hosts with real firewalls (${gate.reason})`, () => {
  const pool = createNetnsPool();
  let net: FleetNet;
  let lapi: Lapi;
  const dirs: string[] = [];
  beforeAll(async () => {
    net = createFleetNet(pool, NETNS_LAPI_PORT);
    lapi = await startLapi({ netns: net.lapi });
    for (const h of net.hosts) await startServer(pool, h.ns, [SSH_PORT, WEB_PORT]);
  }, 60_000);
  afterAll(async () => {
    await lapi?.remove();
    pool.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 30_000);

  // A logban host: its own machine and bouncer at the LAPI, secrets in 0600 files, the backend under test.
  function host(h: FleetHost, name: string, backend: string, extra = ''): Host {
    flushFirewall(h.ns);
    const sb = makeSandbox('');
    dirs.push(sb.dir);
    writeFleetHost(lapi, sb.dir, sb.config, { name, url: h.lapiUrl, backend, port: String(SSH_PORT), extra: `ipv6_prefix = 128\n${extra}` });
    return { net: h, sb };
  }

  const scan = (h: Host): ScanJson => {
    const r = scanIn(h.net.ns, h.sb, now(), ['--json']);
    if (r.code !== 0) throw new Error(`scan exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as ScanJson;
  };
  const reach = (h: Host, port: number, from?: string) => probe(net.attacker, from?.includes(':') ? h.net.addr6 : h.net.addr4, port, from);

  describe.each(BACKENDS)('%s', (backend) => {
    it('host 1\'s ban blocks the attacker on host 2 at its next scan, on every port; host 1\'s unban lifts it there', () => {
      const [one, two] = [host(net.hosts[0], `${backend}-one`, backend), host(net.hosts[1], `${backend}-two`, backend)];
      scan(two);
      expect(reach(two, WEB_PORT, net.attacker4)).toBe('ok');
      one.sb.append('auth.log', failures(net.attacker4));
      expect(scan(one).newBans.map((b) => b.ip)).toEqual([net.attacker4]);
      expect(reach(one, SSH_PORT, net.attacker4)).toBe('timeout');
      expect(reach(one, WEB_PORT, net.attacker4)).toBe('ok');
      expect(reach(two, WEB_PORT, net.attacker4)).toBe('ok');
      scan(two);
      expect(reach(two, WEB_PORT, net.attacker4)).toBe('timeout');
      expect(reach(two, SSH_PORT, net.attacker4)).toBe('timeout');
      expect(reach(two, WEB_PORT, net.other4)).toBe('ok');
      // An unban on host 2 is local: the fleet's decision holds, and host 2 says so.
      expect(cliIn(two.net.ns, two.sb, ['unban', net.attacker4], now()).stdout).toContain('is still blocked by the fleet');
      expect(reach(two, WEB_PORT, net.attacker4)).toBe('timeout');
      expect(cliIn(one.net.ns, one.sb, ['unban', net.attacker4], now()).code).toBe(0);
      scan(two);
      expect(reach(two, WEB_PORT, net.attacker4)).toBe('ok');
    }, 90_000);

    it('a /64 range decision by cscli blocks a fresh address of that /64 on host 2; an address in host 2\'s ignoreip never', () => {
      const two = host(net.hosts[1], `${backend}-range`, backend, `ignoreip = ["127.0.0.0/8", "::1", "${net.other4}"]`);
      scan(two);
      const fresh = '2001:db8:66::1234';
      nsExec(net.attacker, [IP_BIN, '-6', 'addr', 'replace', `${fresh}/128`, 'dev', 'lo', 'nodad']);
      expect(reach(two, WEB_PORT, fresh)).toBe('ok');
      expect(lapi.cscli(['decisions', 'add', '--range', '2001:db8:66::/64', '--duration', '1h']).code).toBe(0);
      expect(lapi.cscli(['decisions', 'add', '--ip', net.other4, '--duration', '1h']).code).toBe(0);
      const pulled = scan(two);
      expect(pulled.notes.filter((n) => n.level === 'warning').map((n) => n.text)).toEqual([
        expect.stringMatching(new RegExp(`^fleet: ${net.other4.replace(/\./g, '\\.')} \\(cscli .*\\) not enforced: ${net.other4.replace(/\./g, '\\.')} is in ignoreip of jail sshd$`)),
      ]);
      expect(reach(two, WEB_PORT, fresh)).toBe('timeout');
      expect(reach(two, WEB_PORT, net.other4)).toBe('ok');
      expect(lapi.cscli(['decisions', 'delete', '--range', '2001:db8:66::/64']).code).toBe(0);
      expect(lapi.cscli(['decisions', 'delete', '--ip', net.other4]).code).toBe(0);
      scan(two);
      expect(reach(two, WEB_PORT, fresh)).toBe('ok');
    }, 90_000);

    it('the LAPI stopped: host 1 bans locally and warns; its alert arrives when the LAPI is back, and host 2 then blocks', async () => {
      const [one, two] = [host(net.hosts[0], `${backend}-away1`, backend), host(net.hosts[1], `${backend}-away2`, backend)];
      scan(two);
      await lapi.stop();
      try {
        one.sb.append('auth.log', failures(net.other4));
        const r = scan(one);
        expect(r.newBans.map((b) => b.ip)).toEqual([net.other4]);
        expect(r.notes.filter((n) => n.level === 'warning').map((n) => n.text)).toEqual([
          expect.stringMatching(/^fleet http:\/\/.*: .*; the fleet's decisions kept from before stay in force$/),
          expect.stringMatching(/^fleet http:\/\/.*: .*; 1 ban\(s\)\/unban\(s\) kept to send on the next run$/),
        ]);
        expect(reach(one, SSH_PORT, net.other4)).toBe('timeout');
      } finally {
        await lapi.start();
      }
      expect(scan(one).notes.filter((n) => n.level === 'warning')).toEqual([]);
      scan(two);
      expect(reach(two, WEB_PORT, net.other4)).toBe('timeout');
      expect(cliIn(one.net.ns, one.sb, ['unban', net.other4], now()).code).toBe(0);
      scan(two);
      expect(reach(two, WEB_PORT, net.other4)).toBe('ok');
    }, 90_000);
  });
});

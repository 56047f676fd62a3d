import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bouncerStream, crowdsecOrSkip, startLapi, type Lapi, type StreamDecision } from '../helpers/crowdsec.js';
import { makeSandbox, runCli } from '../helpers/cli.js';
import { writeFleetHost } from '../helpers/fleet-host.js';

// [fleet] against a real CrowdSec Local API on loopback, two logban hosts with backend "none"
// (the firewall side is in test/netns-fleet.test.ts): what each host sends, pulls and keeps.
const gate = crowdsecOrSkip();
const ATTACKER = '203.0.113.50';
// The LAPI ends decisions by its own clock, so the hosts run at the real time (--now is the
// clock's reading, each run a little later) and their logs carry times of the last minute.
const started = Date.now();
const at = (offsetS: number) => new Date(started + offsetS * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const NOW = at(0);
const failures = (ip: string, offsetS = -20) => [0, 3, 7].map((s) => `${at(offsetS + s)} web1 sshd[1234]: Failed password for root from ${ip} port 5555 ssh2\n`).join('');

type Host = ReturnType<typeof makeSandbox> & { name: string; status: (now?: string) => StatusJson; run: (args: readonly string[], now?: string) => ReturnType<typeof runCli> };
type StatusJson = { bans: { ip: string; jail: string }[]; fleet: ({ ip?: string; range?: string; origin: string; scenario: string; expiresAt: string })[]; fleetOutbox: number };

// A host of the fleet: its own machine (watcher) and bouncer at the LAPI, secrets in 0600 files.
function host(lapi: Lapi, name: string, extra = ''): Host {
  const sb = makeSandbox('');
  writeFleetHost(lapi, sb.dir, sb.config, { name, url: lapi.url, backend: 'none', port: 'ssh', extra });
  const run = (args: readonly string[], now = NOW) => runCli([...args, '--config', sb.config, '--state-dir', sb.stateDir, '--now', now]);
  return { ...sb, name, run, status: (now = NOW) => JSON.parse(run(['status', '--json'], now).stdout) as StatusJson };
}

const scan = (h: Host, now = NOW) => {
  const r = h.run(['scan', '--json'], now);
  if (r.code !== 0) throw new Error(`scan of ${h.name} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { newBans: { ip: string }[]; unbans: { ip: string }[]; notes: { level: string; text: string }[]; commands: string[][] };
};

// What the LAPI holds in force, as a bouncer of the test's own sees it (startup: all of them; the
// hosts' bouncers are theirs, the test never reads their streams).
let observer = '';
async function decisions(lapi: Lapi): Promise<StreamDecision[]> {
  observer ||= lapi.cscli(['bouncers', 'add', 'observer', '-o', 'raw']).stdout.trim();
  return (await bouncerStream(lapi, true, observer)).new;
}

describe.skipIf(gate.skip)(`a fleet through a real CrowdSec Local API (${gate.reason})`, () => {
  let lapi: Lapi;
  beforeAll(async () => { lapi = await startLapi(); }, 30_000);
  afterAll(async () => { await lapi?.remove(); }, 30_000);

  it('a ban on web1 reaches web2 at its next scan; web1\'s unban lifts it there; a range by cscli is enforced as a range', async () => {
    const web1 = host(lapi, 'web1');
    const web2 = host(lapi, 'web2');
    expect(scan(web2).newBans).toEqual([]);
    web1.append('auth.log', failures(ATTACKER));
    const iso = (offsetS: number) => at(offsetS);
    expect(scan(web1, iso(0)).newBans.map((b) => b.ip)).toEqual([ATTACKER]);
    // One decision, logban's, ending when the local ban ends (an hour), not earlier.
    const pushed = (await decisions(lapi)).filter((d) => d.value === ATTACKER);
    expect(pushed.map((d) => [d.origin, d.scenario])).toEqual([['logban', 'logban/sshd']]);
    expect(pushed[0]!.duration).toMatch(/^(59m|1h0m0s)/);
    expect(web1.status(iso(1)).fleetOutbox).toBe(0);

    scan(web2, iso(2));
    expect(web2.status(iso(2)).fleet).toEqual([{ ip: ATTACKER, origin: 'logban', scenario: 'logban/sshd', expiresAt: expect.stringMatching(/Z$/) }]);
    expect(web2.status(iso(2)).bans).toEqual([]);
    // web2's unban of the address is local: the fleet's decision stands, and it says what lifts it.
    const held = web2.run(['unban', ATTACKER], iso(3));
    expect(held.stdout).toContain(`logban: ${ATTACKER} is still blocked by the fleet: ${ATTACKER} (logban logban/sshd) until`);

    expect(web1.run(['unban', ATTACKER], iso(4)).code).toBe(0);
    expect((await decisions(lapi)).filter((d) => d.value === ATTACKER)).toEqual([]);
    scan(web2, iso(5));
    expect(web2.status(iso(5)).fleet).toEqual([]);

    expect(lapi.cscli(['decisions', 'add', '--range', '2001:db8:1:2::/64', '--duration', '4h']).code).toBe(0);
    scan(web2, iso(6));
    expect(web2.status(iso(6)).fleet).toEqual([expect.objectContaining({ range: '2001:db8:1:2::/64', origin: 'cscli' })]);
    expect(lapi.cscli(['decisions', 'delete', '--range', '2001:db8:1:2::/64']).code).toBe(0);
  });

  it('the LAPI away: local bans go on, one warning, the alert is sent by the next run that reaches it, once', async () => {
    const web3 = host(lapi, 'web3');
    await lapi.stop();
    try {
      web3.append('auth.log', failures('198.51.100.23'));
      const r = web3.run(['scan'], at(10));
      expect(r.code).toBe(0);
      const warnings = r.stdout.split('\n').filter((l) => l.startsWith('warning: fleet '));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(new RegExp(`^warning: fleet ${lapi.url.replace(/[.]/g, '\\.')}: .*ECONNREFUSED.*; the fleet's decisions kept from before stay in force$`));
      expect(warnings[1]).toMatch(/ECONNREFUSED.*; 1 ban\(s\)\/unban\(s\) kept to send on the next run$/);
      expect(web3.status().bans.map((b) => b.ip)).toEqual(['198.51.100.23']);
      expect(web3.status().fleetOutbox).toBe(1);
    } finally {
      await lapi.start();
    }
    const later = web3.run(['scan'], at(11));
    expect(later.code).toBe(0);
    expect(later.stdout).toBe('');
    expect((await decisions(lapi)).filter((d) => d.value === '198.51.100.23')).toHaveLength(1);
    expect(web3.status().fleetOutbox).toBe(0);
    // Nothing is sent twice.
    web3.run(['scan'], at(12));
    expect((await decisions(lapi)).filter((d) => d.value === '198.51.100.23')).toHaveLength(1);
  }, 60_000);

  it('a fleet decision for an address in ignoreip is never enforced, and said once', () => {
    const web4 = host(lapi, 'web4', 'ignoreip = ["127.0.0.0/8", "::1", "198.51.100.44"]');
    scan(web4);
    expect(lapi.cscli(['decisions', 'add', '--ip', '198.51.100.44', '--duration', '1h']).code).toBe(0);
    const first = scan(web4, at(20));
    expect(first.notes.filter((n) => n.level === 'warning').map((n) => n.text)).toEqual([
      expect.stringMatching(/^fleet: 198\.51\.100\.44 \(cscli manual 'ban' from '.*'\) not enforced: 198\.51\.100\.44 is in ignoreip of jail sshd$/),
    ]);
    expect(web4.status().fleet.map((f) => f.ip)).not.toContain('198.51.100.44');
    expect(scan(web4, at(21)).notes.filter((n) => n.level === 'warning')).toEqual([]);
  });

  it('a secret every user may read is refused with one line naming the file; fleet check says what works', () => {
    const web5 = host(lapi, 'web5');
    const ok = web5.run(['fleet', 'check']);
    expect([ok.code, ok.stdout.split('\n').filter(Boolean)]).toEqual([0, [
      `ok      the Local API at ${lapi.url}: answers`, 'ok      machine web5 (push on): logged in', `ok      bouncer key in ${web5.dir}/bouncer.key (pull on): accepted`,
    ]]);
    chmodSync(join(web5.dir, 'machine.secret'), 0o644);
    const bad = web5.run(['fleet', 'check']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`failed  machine web5 (push on): ${web5.dir}/machine.secret: the machine password is readable by every user: chmod 600 ${web5.dir}/machine.secret`);
    writeFileSync(join(web5.dir, 'bouncer.key'), 'not-the-key\n', { mode: 0o600 });
    expect(web5.run(['fleet', 'check']).stdout).toContain('failed  bouncer key in');
    expect(bad.stdout).not.toContain('web5-password');
  });
});

import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

const NOW = '2026-11-21T10:00:00Z';
const MONITOR = '192.0.2.50';

// Three jails over one auth.log: sshd with sshd-ddos, sshd-aggressive, and sshd alone; the
// monitor that checks port 22 is in ignoreip.
const CONFIG = [
  '[defaults]', 'findtime = "1h"', 'maxretry = 3', 'bantime = "1h"', `ignoreip = ["127.0.0.0/8", "${MONITOR}"]`, '',
  '[firewall]', 'backend = "none"', '',
  '[jails.ddos]', 'logpath = ["$DIR/auth.log"]', 'rules = ["sshd", "sshd-ddos"]', '',
  '[jails.aggressive]', 'logpath = ["$DIR/auth.log"]', 'rules = ["sshd-aggressive"]', '',
  '[jails.plain]', 'logpath = ["$DIR/auth.log"]', 'rules = ["sshd"]', '',
].join('\n');

const at = (second: number) => `Nov 21 09:${String(50 + Math.floor(second / 60)).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}`;

// OpenSSH 8.2+: a TCP connect that sends nothing (a port scanner, or a health check).
function tcpCheck(pid: number, ip: string, second: number): string {
  return `${at(second)} web1 sshd[${pid}]: error: kex_exchange_identification: Connection closed by remote host\n`
    + `${at(second)} web1 sshd[${pid}]: Connection closed by ${ip} port ${40000 + pid}\n`;
}

// A bot that leaves after the key exchange: two lines of one connection.
function byeBye(pid: number, ip: string, second: number): string {
  return `${at(second)} web1 sshd[${pid}]: Received disconnect from ${ip} port ${40000 + pid}:11: Bye Bye [preauth]\n`
    + `${at(second)} web1 sshd[${pid}]: Disconnected from ${ip} port ${40000 + pid} [preauth]\n`;
}

// LogLevel VERBOSE: the connection's first line names the address, the kex line none, the close again.
function verboseScan(pid: number, ip: string, second: number): string {
  return `${at(second)} web1 sshd[${pid}]: Connection from ${ip} port ${40000 + pid} on 192.0.2.10 port 22 rdomain ""\n`
    + tcpCheck(pid, ip, second);
}

const bans = (r: { newBans: { ip: string; jail: string; failures: number }[] }) =>
  r.newBans.map((b) => [b.jail, b.ip, b.failures]).sort((a, b) => String(a).localeCompare(String(b)));

describe('scan with sshd-ddos and sshd-aggressive', () => {
  it('bans scanners, counts a connection once, keeps the monitor in, and sshd alone counts none of it', () => {
    const box = makeSandbox(CONFIG);
    let text = '';
    for (let i = 0; i < 3; i++) text += tcpCheck(100 + i, '203.0.113.20', i);
    for (let i = 0; i < 3; i++) text += byeBye(200 + i, '203.0.113.30', 10 + i);
    // two connections of three lines each: two attempts, under maxretry
    for (let i = 0; i < 2; i++) text += verboseScan(300 + i, '203.0.113.40', 20 + i);
    // the monitor checks every few seconds
    for (let i = 0; i < 12; i++) text += tcpCheck(400 + i, MONITOR, 30 + 5 * i);
    box.append('auth.log', text);
    const r = box.json(NOW);
    expect(bans(r)).toEqual([
      ['aggressive', '203.0.113.20', 3], ['aggressive', '203.0.113.30', 3],
      ['ddos', '203.0.113.20', 3], ['ddos', '203.0.113.30', 3],
    ]);
    const status = JSON.parse(runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]).stdout) as
      { failures: { jail: string; ip: string; count: number }[] };
    const pending = status.failures.filter((f) => f.ip === '203.0.113.40').map((f) => [f.jail, f.count]).sort();
    expect(pending).toEqual([['aggressive', 2], ['ddos', 2]]);
    expect(status.failures.some((f) => f.ip === MONITOR)).toBe(false);

    // the third connection bans it; the monitor still is not, and sshd alone still bans nothing
    box.append('auth.log', verboseScan(302, '203.0.113.40', 200) + tcpCheck(420, MONITOR, 205));
    const next = box.json('2026-11-21T10:05:00Z');
    expect(bans(next)).toEqual([['aggressive', '203.0.113.40', 3], ['ddos', '203.0.113.40', 3]]);
  });

  it('a password guesser counts its tries, not its goodbye, in every jail', () => {
    const box = makeSandbox(CONFIG);
    let text = '';
    for (let i = 0; i < 3; i++) {
      const pid = 500 + i;
      text += `${at(i)} web1 sshd[${pid}]: Failed password for root from 203.0.113.60 port ${40000 + pid} ssh2\n`;
      text += byeBye(pid, '203.0.113.60', i);
    }
    box.append('auth.log', text);
    expect(bans(box.json(NOW))).toEqual([
      ['aggressive', '203.0.113.60', 3], ['ddos', '203.0.113.60', 3], ['plain', '203.0.113.60', 3],
    ]);
  });
});

describe("PAM's summary line", () => {
  // One connection: pam_unix logs the first failure, sshd every try, PAM "2 more" at the end.
  const tries = [
    'Nov 21 09:30:00 web1 sshd[8100]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.114  user=root',
    'Nov 21 09:30:02 web1 sshd[8100]: Failed password for root from 203.0.113.114 port 42000 ssh2',
    'Nov 21 09:30:05 web1 sshd[8100]: Failed password for root from 203.0.113.114 port 42000 ssh2',
    'Nov 21 09:30:08 web1 sshd[8100]: Failed password for root from 203.0.113.114 port 42000 ssh2',
  ];
  const end = [
    'Nov 21 09:30:09 web1 sshd[8100]: Connection closed by authenticating user root 203.0.113.114 port 42000 [preauth]',
    'Nov 21 09:30:09 web1 sshd[8100]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.114  user=root',
  ];
  const config = CONFIG.replace('maxretry = 3', 'maxretry = 4');
  const pending = (box: ReturnType<typeof makeSandbox>, now: string) =>
    (JSON.parse(runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', now]).stdout) as
      { failures: { jail: string; ip: string; count: number }[] }).failures.map((f) => [f.jail, f.count]).sort();

  it('never adds its N failures to the N tries it sums up', () => {
    const box = makeSandbox(config);
    box.append('auth.log', `${[...tries, ...end].join('\n')}\n`);
    expect(box.json('2026-11-21T09:31:00Z').newBans).toEqual([]);
    expect(pending(box, '2026-11-21T09:31:00Z')).toEqual([['aggressive', 3], ['ddos', 3], ['plain', 3]]);
  });

  it('nor when a cron run ends between the tries and the summary', () => {
    const box = makeSandbox(config);
    box.append('auth.log', `${tries.join('\n')}\n`);
    expect(box.json('2026-11-21T09:30:08Z').newBans).toEqual([]);
    box.append('auth.log', `${end.join('\n')}\n`);
    expect(box.json('2026-11-21T09:31:00Z').newBans).toEqual([]);
    expect(pending(box, '2026-11-21T09:31:00Z')).toEqual([['aggressive', 3], ['ddos', 3], ['plain', 3]]);
  });
});

import { describe, expect, it } from 'vitest';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { makeSandbox } from '../helpers/cli.js';

const NOW = '2026-11-21T10:00:00Z';
const CONFIG = sshdJailConfig({ findtime: '1h' });

// One connection that probes a user name and tries a password: sshd and PAM log it three times.
function probe(pid: number, ip: string, second: number): string {
  const t = `09:50:${String(second).padStart(2, '0')}`;
  return [
    `Nov 21 ${t} web1 sshd[${pid}]: Invalid user oracle from ${ip} port ${40000 + pid}`,
    `Nov 21 ${t} web1 sshd[${pid}]: pam_unix(sshd:auth): check pass; user unknown`,
    `Nov 21 ${t} web1 sshd[${pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}`,
    `Nov 21 ${t} web1 sshd[${pid}]: Failed password for invalid user oracle from ${ip} port ${40000 + pid} ssh2`,
    '',
  ].join('\n');
}

describe('scan counts attempts, not lines', () => {
  it('three probing connections are three failures, however many lines they log', () => {
    const box = makeSandbox(CONFIG);
    box.append('auth.log', probe(101, '203.0.113.9', 1) + probe(102, '203.0.113.9', 2));
    const first = box.json(NOW);
    expect(first.newBans).toEqual([]);
    box.append('auth.log', probe(103, '203.0.113.9', 3));
    const second = box.json(NOW);
    expect(second.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.9', 3]]);
  });

  it('a run that ends between a probe and its password try still counts the attempt once', () => {
    const box = makeSandbox(CONFIG);
    const [invalid, ...rest] = probe(303, '203.0.113.9', 3).split('\n');
    box.append('auth.log', `${probe(301, '203.0.113.9', 1)}${probe(302, '203.0.113.9', 2)}${invalid}\n`);
    // The cron run comes seconds after the probe line: that connection's attempt is still open.
    expect(box.json('2026-11-21T09:50:10Z').newBans).toEqual([]);
    box.append('auth.log', `${rest.join('\n')}`);
    const second = box.json('2026-11-21T09:52:00Z');
    expect(second.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.9', 3]]);
  });

  it('keys offered before one is accepted are not failures', () => {
    const box = makeSandbox(CONFIG);
    let text = '';
    for (let pid = 200; pid < 205; pid++) {
      text += `Nov 21 09:51:00 web1 sshd[${pid}]: Failed publickey for deploy from 198.51.100.4 port 5${pid} ssh2: RSA SHA256:abc\n`;
      text += `Nov 21 09:51:01 web1 sshd[${pid}]: Failed publickey for deploy from 198.51.100.4 port 5${pid} ssh2: ED25519 SHA256:def\n`;
      text += `Nov 21 09:51:02 web1 sshd[${pid}]: Accepted publickey for deploy from 198.51.100.4 port 5${pid} ssh2: ED25519 SHA256:ghi\n`;
    }
    box.append('auth.log', text);
    expect(box.json(NOW).newBans).toEqual([]);
  });
});

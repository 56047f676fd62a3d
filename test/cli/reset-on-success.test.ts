import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

// One Dovecot jail on $DIR/mail.log: 3 failures within an hour ban.
function dovecotConfig(resetOnSuccess: boolean | null): string {
  return [
    '[defaults]', 'findtime = "1h"', 'maxretry = 3', 'bantime = "1h"', ...(resetOnSuccess === null ? [] : [`reset_on_success = ${resetOnSuccess}`]), '',
    '[firewall]', 'backend = "none"', '',
    '[jails.dovecot]', 'logpath = ["$DIR/mail.log"]', 'rules = ["dovecot"]', '',
  ].join('\n');
}

const USER_IP = '192.0.2.70';

// A connection whose password was wrong (the login line is the attempt), and one that logged in.
function failed(time: string, session: string): string {
  return `Nov 21 ${time} mail dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<alice>, method=PLAIN, rip=${USER_IP}, lip=192.0.2.2, TLS, session=<${session}>\n`;
}
function loggedIn(time: string, user: string, ip: string, session: string): string {
  return `Nov 21 ${time} mail dovecot: imap-login: Login: user=<${user}>, method=PLAIN, rip=${ip}, lip=192.0.2.2, mpid=4242, TLS, session=<${session}>\n`;
}

// Run 1: two typos; run 2: the right password; run 3: two typos again.
function threeRuns(resetOnSuccess: boolean | null) {
  const box = makeSandbox(dovecotConfig(resetOnSuccess));
  box.append('mail.log', failed('09:10:00', 'TyPo000001') + failed('09:10:20', 'TyPo000002'));
  const first = box.json('2026-11-21T09:15:00Z');
  box.append('mail.log', loggedIn('09:20:00', 'alice', USER_IP, 'GoOd000001'));
  const second = box.json('2026-11-21T09:25:00Z');
  box.append('mail.log', failed('09:30:00', 'TyPo000003') + failed('09:30:20', 'TyPo000004'));
  const third = box.json('2026-11-21T09:35:00Z');
  return { first, second, third };
}

describe('reset_on_success', () => {
  it('a login that worked forgets the failures saved by earlier runs: no ban with the option', () => {
    const r = threeRuns(true);
    expect([r.first.newBans, r.second.newBans, r.third.newBans]).toEqual([[], [], []]);
  });

  it('without it (the default) the typos of both runs add up to a ban', () => {
    for (const setting of [null, false]) {
      const r = threeRuns(setting);
      expect([r.first.newBans, r.second.newBans]).toEqual([[], []]);
      expect(r.third.newBans.map((b) => [b.ip, b.failures])).toEqual([[USER_IP, 4]]);
    }
  });

  it('failures after the login still count', () => {
    const box = makeSandbox(dovecotConfig(true));
    box.append('mail.log', failed('09:10:00', 'A1') + loggedIn('09:11:00', 'alice', USER_IP, 'A2'));
    expect(box.json('2026-11-21T09:15:00Z').newBans).toEqual([]);
    box.append('mail.log', failed('09:20:00', 'A3') + failed('09:20:10', 'A4') + failed('09:20:20', 'A5'));
    expect(box.json('2026-11-21T09:25:00Z').newBans.map((b) => [b.ip, b.failures])).toEqual([[USER_IP, 3]]);
  });
});

// Auth-worker lines carry no session id: they relate to the login line by address and user name.
const SCAN_IP = '203.0.113.9';
function authFailure(time: string, user: string, ip: string): string {
  return `Nov 21 ${time} mail dovecot: auth-worker(24544): pam(${user},${ip}): pam_authenticate() failed: Authentication failure (password mismatch?)\n`;
}

describe('a Dovecot sequence split across two cron runs', () => {
  it('failures of other users carried from the last run are not forgiven by alice\'s login', () => {
    const box = makeSandbox(dovecotConfig(null));
    box.append('mail.log', authFailure('09:59:30', 'root', SCAN_IP) + authFailure('09:59:40', 'admin', SCAN_IP));
    // The run comes seconds after: both attempts are still open and carried in the state.
    expect(box.json('2026-11-21T10:00:00Z').newBans).toEqual([]);
    box.append('mail.log', loggedIn('10:00:20', 'alice', SCAN_IP, 'AlIcE0001') + authFailure('10:00:30', 'test', SCAN_IP));
    const second = box.json('2026-11-21T10:02:00Z');
    expect(second.newBans.map((b) => [b.ip, b.failures])).toEqual([[SCAN_IP, 3]]);
  });

  it('a typo carried from the last run is forgiven by the same user\'s login in this one', () => {
    const box = makeSandbox(dovecotConfig(null));
    const carol = '192.0.2.71';
    box.append('mail.log', authFailure('09:59:30', 'carol', carol) + authFailure('09:59:40', 'carol', carol));
    expect(box.json('2026-11-21T10:00:00Z').newBans).toEqual([]);
    // Two typos are two attempts; the third, in the same connection as the login, is forgiven.
    box.append('mail.log', authFailure('10:00:10', 'carol', carol) + loggedIn('10:00:12', 'carol', carol, 'CaRoL0001'));
    expect(box.json('2026-11-21T10:02:00Z').newBans).toEqual([]);
    const status = runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', '2026-11-21T10:03:00Z']);
    expect(JSON.parse(status.stdout).failures).toEqual([{ jail: 'dovecot', ip: carol, count: 2 }]);
  });
});

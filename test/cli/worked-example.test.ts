import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, ROOT, runCli, sshdFailure } from '../helpers/cli.js';

// The README's worked example of network bans, run as it is written: its config (with the log
// in a temp dir and no firewall), the lines and scans its story tells, and what it says happens.
function exampleConfig(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### A worked example: an IPv6 botnet'));
  const toml = /```toml\n([\s\S]*?)```/.exec(section)![1]!;
  expect(toml).toContain('logpath = ["/var/log/auth.log"]');
  return `${toml.replace('"/var/log/auth.log"', '"$DIR/auth.log"')}\n[firewall]\nbackend = "none"\n`;
}

describe('the README\'s worked example', () => {
  it('three addresses of a /64 ban the /64, three /64s of a /48 the /48, the third ban in a day recidive', () => {
    const sb = makeSandbox(exampleConfig());
    const at = (day: string, time: string) => `2026-11-${day}T${time}:00Z`;
    const bans = (now: string) => sb.json(now).newBans.map((b) => [b.ip, b.jail, ...(b.addresses ? [b.addresses] : [])]).sort((x, y) => String(x).localeCompare(String(y)));
    sb.append('auth.log', ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c'].map((ip, i) => sshdFailure(`09:41:0${i}`, ip)).join(''));
    sb.append('auth.log', ['09:41:02', '09:41:05', '09:41:09'].map((t) => sshdFailure(t, '203.0.113.9')).join(''));
    expect(bans(at('21', '09:45'))).toEqual([
      ['2001:db8:1:2::/64', 'sshd', ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c']],
      ['203.0.113.9', 'sshd'],
    ]);
    sb.append('auth.log', ['09:46:00', '09:46:01', '09:46:02'].map((t) => sshdFailure(t, '2001:db8:1:3::7')).join(''));
    expect(bans(at('21', '09:47'))).toEqual([['2001:db8:1:3::/64', 'sshd', ['2001:db8:1:3::7']]]);
    sb.append('auth.log', ['09:48:00', '09:48:01', '09:48:02'].map((t) => sshdFailure(t, '2001:db8:1:4::7')).join(''));
    const third = sb.json(at('21', '09:49'));
    expect(third.newBans.map((b) => [b.ip, b.addresses])).toEqual([['2001:db8:1::/48', ['2001:db8:1:2::/64', '2001:db8:1:3::/64', '2001:db8:1:4::/64']]]);
    expect(third.unbans.map((u) => [u.ip, u.reason])).toEqual([
      ['2001:db8:1:2::/64', 'folded into 2001:db8:1::/48'], ['2001:db8:1:3::/64', 'folded into 2001:db8:1::/48'],
    ]);
    // The attacker's next /64 is in the /48: no new ban, nothing pending.
    sb.append('auth.log', ['09:50:00', '09:50:01', '09:50:02'].map((t) => sshdFailure(t, '2001:db8:1:5::7')).join(''));
    expect(bans(at('21', '09:51'))).toEqual([]);
    const pending = runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', at('21', '09:51')]);
    expect((JSON.parse(pending.stdout) as { failures: unknown[] }).failures).toEqual([]);
    for (const hour of ['11', '13']) {
      sb.append('auth.log', ['41:02', '41:05', '41:09'].map((m) => sshdFailure(`${hour}:${m}`, '203.0.113.9')).join(''));
      const expected = hour === '11' ? [['203.0.113.9', 'sshd']] : [['203.0.113.9', 'recidive'], ['203.0.113.9', 'sshd']];
      expect(bans(at('21', `${hour}:45`))).toEqual(expected);
    }
    const status = runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', at('22', '13:45')]);
    const active = (JSON.parse(status.stdout) as { bans: { ip: string; jail: string; expiresAt: string }[] }).bans;
    expect(active.map((b) => [b.ip, b.jail, b.expiresAt])).toEqual([['203.0.113.9', 'recidive', '2026-11-28T13:45:00Z']]);
  });
});

import { describe, expect, it } from 'vitest';
import { makeSandbox } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { threeFailures } from '../helpers/victim.js';
import { createNoneFirewall } from '../../src/io/firewall/none.js';
import type { BanEntry } from '../../src/core/firewall-model.js';

const NOW = '2026-11-21T09:45:00Z';
const ATTACKER = '203.0.113.9';

// backend = "none" plans the iptables commands only for a run that prints them (--verbose, --json,
// --dry-run): a quiet first scan with 100k+ bans held that plan for nothing.
describe('backend = "none": the commands a run shows', () => {
  const setup = { jails: [{ name: 'sshd', protocol: 'tcp', ports: ['22'], connlimit: null }], hooks: ['INPUT'], now: 0 } as never;
  const ban = { ip: ATTACKER, jail: 'sshd', expiresAt: null } as unknown as BanEntry;

  it('the do-nothing twin plans the ban when its commands are shown, and nothing when they are not', async () => {
    const shown = await createNoneFirewall('iptables', setup).apply([ban], []);
    expect(shown.some((argv) => argv.includes(ATTACKER))).toBe(true);
    expect(await createNoneFirewall('iptables', setup, false).apply([ban], [])).toEqual([]);
  });

  for (const [how, extra] of [['--verbose', ['--verbose']], ['--dry-run', ['--dry-run']]] as const) {
    it(`a scan with ${how} still lists the commands the ban would take`, () => {
      const sb = makeSandbox(sshdJailConfig());
      sb.append('auth.log', threeFailures(ATTACKER));
      const r = sb.scan(NOW, ...extra);
      expect(r.code).toBe(0);
      const at = r.stdout.split('\n').findIndex((l) => l.startsWith('Firewall commands'));
      expect(at).toBeGreaterThan(0);
      expect(r.stdout.split('\n').slice(at + 1).some((l) => l.startsWith('  iptables') && l.includes(ATTACKER))).toBe(true);
    });
  }

  it('a quiet scan bans the same and prints no commands; --json lists them', () => {
    const quiet = makeSandbox(sshdJailConfig());
    quiet.append('auth.log', threeFailures(ATTACKER));
    const r = quiet.scan(NOW);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(ATTACKER);
    expect(r.stdout).not.toContain('Firewall commands');
    const json = makeSandbox(sshdJailConfig());
    json.append('auth.log', threeFailures(ATTACKER));
    const out = json.json(NOW);
    expect(out.newBans.map((b) => b.ip)).toEqual([ATTACKER]);
    expect(out.commands.some((argv) => argv.includes(ATTACKER))).toBe(true);
  });
});

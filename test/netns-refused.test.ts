import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { firewallConfig, NOW, restoreVictim, scanVictim, SSH_PORT, useVictim, WEB_PORT, type Backend, type Sandbox } from './helpers/victim.js';
import { cliIn, probe, saveAll } from './helpers/netns.js';
import { savedState } from './helpers/saved-state.js';

// Saved bans that a new ban would not get (a state copied from another host, an ignoreip added
// after the ban) never reach the real firewall through restore or scan.
const gate = rootOrSkip();
const T = Date.parse(NOW) / 1000;
const LATE = '198.51.100.7';

const saved = (ip: string, jail: string) => ({ ip, jail, bannedAt: T - 60, expiresAt: null, failures: 3, firstSeen: T - 120, lastSeen: T - 60, evidence: [] });

function writeState(sb: Sandbox, bans: readonly ReturnType<typeof saved>[]): void {
  mkdirSync(sb.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(sb.stateDir, 'state.json'), JSON.stringify({ version: 1, files: {}, windows: {}, bans }));
}
const savedIps = (sb: Sandbox) => savedState(sb.stateDir).bans.map((b) => b.ip);
const naming = (lines: readonly string[], ip: string) => lines.filter((l) => l.includes(ip));

describe.skipIf(gate.skip).each(['iptables', 'ipset', 'nftables'] as Backend[])(`%s: refused saved bans (${gate.reason})`, (backend) => {
  const v = useVictim();

  it('restore and scan apply the attacker\'s saved ban and drop this host\'s address, loopback and link-local', () => {
    const { victim, attacker, victim4, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend));
    const refused = [victim4, '127.0.0.1', 'fe80::1', '169.254.169.254'];
    writeState(sb, [saved(attacker4, 'sshd'), ...refused.map((ip) => saved(ip, 'manual'))]);

    const r = restoreVictim(victim, sb);
    expect(r.activeBans).toBe(1);
    expect(r.unbans.map((u) => u.ip)).toEqual(refused);
    expect(r.unbans[0]!.reason).toBe(`refused: ${victim4} is an address of this host`);
    const rules = saveAll(victim);
    expect(naming(rules, attacker4)).not.toEqual([]);
    for (const ip of refused) expect(naming(rules, ip), ip).toEqual([]);
    expect(savedIps(sb)).toEqual([attacker4]);
    expect(probe(attacker, victim4, SSH_PORT)).toBe('timeout');
    expect(probe(victim, '127.0.0.1', WEB_PORT)).toBe('ok');

    // The same state again, through a scan this time.
    writeState(sb, [saved(attacker4, 'sshd'), ...refused.map((ip) => saved(ip, 'manual'))]);
    const scan = scanVictim(victim, sb, NOW);
    expect(scan.unbans.map((u) => u.ip)).toEqual(refused);
    const after = saveAll(victim);
    expect(naming(after, attacker4)).not.toEqual([]);
    for (const ip of refused) expect(naming(after, ip), ip).toEqual([]);
    expect(savedIps(sb)).toEqual([attacker4]);
    expect(probe(victim, '127.0.0.1', WEB_PORT)).toBe('ok');
  }, 60_000);

  it('a ban by hand re-applies the firewall without the refused saved bans', () => {
    const { victim, victim4, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend));
    writeState(sb, [saved(victim4, 'manual'), saved('127.0.0.1', 'sshd')]);
    const r = cliIn(victim, sb, ['ban', attacker4, '--json'], NOW);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { unbans: { ip: string }[] }).unbans.map((u) => u.ip)).toEqual([victim4, '127.0.0.1']);
    const rules = saveAll(victim);
    expect(naming(rules, attacker4)).not.toEqual([]);
    expect(naming(rules, `${victim4}/`).concat(naming(rules, ` ${victim4} `), naming(rules, '127.0.0.1'))).toEqual([]);
    expect(savedIps(sb)).toEqual([attacker4]);
  }, 60_000);

  it('a ban in force is taken out of the firewall by the next scan once ignoreip covers it', () => {
    const { victim, attacker4 } = v.pair();
    const sb = v.sandbox(firewallConfig(backend));
    writeState(sb, [saved(attacker4, 'sshd'), saved(LATE, 'sshd')]);
    expect(restoreVictim(victim, sb).activeBans).toBe(2);
    expect(naming(saveAll(victim), LATE)).not.toEqual([]);

    writeFileSync(sb.config, firewallConfig(backend, { sshd: `ignoreip = ["${LATE}"]` }).replaceAll('$DIR', sb.dir));
    const scan = scanVictim(victim, sb, NOW);
    expect(scan.unbans).toEqual([{ ip: LATE, jail: 'sshd', reason: `refused: ${LATE} is in ignoreip of jail sshd` }]);
    expect(naming(saveAll(victim), LATE)).toEqual([]);
    expect(naming(saveAll(victim), attacker4)).not.toEqual([]);
    expect(savedIps(sb)).toEqual([attacker4]);
  }, 60_000);
});

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootOrSkip } from './helpers/cli.js';
import { addAttackerAddresses, cliIn, forgetNeighbours, nsExec, probe } from './helpers/netns.js';
import { firewallConfig, NOW, scanVictim, SSH_PORT, useVictim, WEB_PORT, type Backend } from './helpers/victim.js';

// Plain blocklists with real traffic: a list's addresses and CIDRs are dropped on every port; an
// entry that holds the host's address or an ignoreip entry is left out; a new version of the file
// (renamed over the old one) replaces the list in one step; `export` prints what real ipset and
// nft take. Each backend.
const gate = rootOrSkip();
const BACKENDS: readonly Backend[] = ['iptables', 'ipset', 'nftables'];

describe.skipIf(gate.skip)(`blocklists (${gate.reason})`, () => {
  const v = useVictim();

  describe.each(BACKENDS)('%s', (backend) => {
    it('a list blocks its CIDRs on every port; a new file replaces it in one step; bad lines and ignoreip entries are left out', () => {
      const pair = v.pair();
      addAttackerAddresses(pair, '203.0.113.0/24', ['203.0.113.13']);
      addAttackerAddresses(pair, '198.51.100.0/24', ['198.51.100.77', '198.51.100.5']);
      addAttackerAddresses(pair, '2001:db8:66::/48', ['2001:db8:66::9']);
      forgetNeighbours(pair);
      const probeFrom = (local: string, port = WEB_PORT) => probe(pair.attacker, local.includes(':') ? pair.victim6 : pair.victim4, port, local);
      const sb = v.sandbox(`${firewallConfig(backend, { sshd: 'ignoreip = ["198.51.100.77"]' })}\n[[blocklist]]\nfile = "$DIR/lists/drop.netset"\n`);
      mkdirSync(join(sb.dir, 'lists'));
      const list = join(sb.dir, 'lists/drop.netset');
      writeFileSync(list, '# a list of our own\n203.0.113.0/24\n2001:db8:66::/48   # a provider\n198.51.100.77\nnot-an-address\n192.0.2.0/24\n');
      const first = scanVictim(pair.victim, sb, NOW);
      const warnings = first.notes.filter((n) => n.level === 'warning').map((n) => n.text);
      expect(warnings).toEqual([
        `blocklist drop: ${list}:5: "not-an-address" is not an address or CIDR block; left out`,
        'blocklist drop: 2 entries left out: 198.51.100.77 is in ignoreip of jail sshd',
      ]);
      expect(probeFrom('203.0.113.13')).toBe('timeout');
      expect(probeFrom('203.0.113.13', SSH_PORT)).toBe('timeout');
      expect(probeFrom('2001:db8:66::9')).toBe('timeout');
      expect(probeFrom('198.51.100.77')).toBe('ok');
      expect(probeFrom('198.51.100.5')).toBe('ok');
      // Nothing changed: the next run leaves the firewall alone.
      expect(scanVictim(pair.victim, sb, '2026-11-21T09:46:00Z').commands).toEqual([]);

      // The list's next version, written beside it and renamed over it (as a downloader does).
      writeFileSync(`${list}.new`, '198.51.100.0/26\n');
      renameSync(`${list}.new`, list);
      const next = scanVictim(pair.victim, sb, '2026-11-21T09:47:00Z');
      if (backend === 'ipset') {
        expect(next.commands.filter((c) => c[1] === 'swap')).toEqual([['ipset', 'swap', 'logban_regrow-n4', 'logban-list-drop-n4'], ['ipset', 'swap', 'logban_regrow-n6', 'logban-list-drop-n6']]);
      }
      if (backend === 'nftables') expect(next.commands.every((c) => c[0] === 'nft')).toBe(true);
      expect(probeFrom('203.0.113.13')).toBe('ok');
      forgetNeighbours(pair);
      expect(probeFrom('2001:db8:66::9')).toBe('ok');
      expect(probeFrom('198.51.100.5')).toBe('timeout');
      expect(probeFrom('198.51.100.77')).toBe('ok');
    }, 60_000);
  });

  it('export prints the active bans as plain lines, ipset restore input and nft -f input that the real tools take', () => {
    const pair = v.pair();
    const sb = v.sandbox(firewallConfig('iptables'));
    for (const target of ['203.0.113.50', '198.51.100.0/24', '2001:db8:1:2::/64']) expect(cliIn(pair.victim, sb, ['ban', target], NOW).code).toBe(0);
    expect(cliIn(pair.victim, sb, ['ban', '203.0.113.60', '--jail', 'sshd'], NOW).code).toBe(0);
    const out = (format: string) => cliIn(pair.victim, sb, ['export', '--format', format], NOW).stdout;
    expect(out('plain')).toBe('198.51.100.0/24\n203.0.113.50\n203.0.113.60\n2001:db8:1:2::/64\n');
    const ns = v.pool.add();
    nsExec(ns, ['sh', '-c', `ipset restore <<'EOF'\n${out('ipset')}EOF`]);
    const saved = nsExec(ns, ['ipset', 'save']).stdout;
    for (const target of ['198.51.100.0/24', '203.0.113.50', '203.0.113.60']) expect(saved).toMatch(new RegExp(`^add logban-export-v4 ${target.replace(/[./]/g, '\\$&')} timeout \\d+$`, 'm'));
    expect(saved).toMatch(/^add logban-export-v6 2001:db8:1:2::\/64 timeout 0$/m);
    nsExec(ns, ['sh', '-c', `nft -f - <<'EOF'\n${out('nft')}EOF`]);
    const table = nsExec(ns, ['nft', 'list', 'table', 'inet', 'logban_export']).stdout;
    expect(table).toContain('198.51.100.0/24');
    expect(table).toContain('2001:db8:1:2::/64');
    expect(cliIn(pair.victim, sb, ['export', '--format', 'json'], NOW).code).toBe(2);
  }, 60_000);
});

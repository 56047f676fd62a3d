import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BanEntry, FirewallSetup } from '../../src/core/firewall-model.js';
import { ROOT } from './cli.js';

// fixtures/firewall/*: what `ipset save`, `iptables -S` and `nft -j list table inet logban` printed
// after logban's ipset and nftables backends applied BANS with SETUP at NOW (captured in a network
// namespace by test/helpers/capture-firewall-fixtures.ts), so the parsers are tested on real output.
export const readFirewallFixture = (name: string): string => readFileSync(join(ROOT, 'fixtures/firewall', name), 'utf8');

export const NOW = Date.parse('2026-11-21T09:45:00Z') / 1000;
const EXPIRES = Date.parse('2026-11-21T10:41:03Z') / 1000;

export const SETUP: FirewallSetup = {
  jails: [
    { name: 'sshd', protocol: 'tcp', ports: [{ from: 22, to: 22 }, { from: 2200, to: 2299 }], connlimit: null },
    { name: 'web', protocol: 'tcp', ports: [{ from: 80, to: 80 }], connlimit: 16 },
    { name: 'forever', protocol: 'all', ports: [], connlimit: null },
  ],
  hooks: ['INPUT'],
  now: NOW,
};

export const BANS: readonly BanEntry[] = [
  { ip: '203.0.113.50', jail: 'sshd', expiresAt: EXPIRES },
  { ip: '2001:db8::bad', jail: 'sshd', expiresAt: EXPIRES },
  { ip: '203.0.113.50', jail: 'web', expiresAt: EXPIRES },
  { ip: '2001:db8::bad', jail: 'web', expiresAt: EXPIRES },
  { ip: '198.51.100.7', jail: 'forever', expiresAt: null },
  { ip: '2001:db8:1:2::/64', jail: 'sshd', expiresAt: EXPIRES },
  { ip: '198.51.100.0/24', jail: 'forever', expiresAt: null },
];

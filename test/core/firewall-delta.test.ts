import { describe, expect, it } from 'vitest';
import type { BanEntry, FirewallSetup } from '../../src/core/firewall-model.js';
import { planIpsetDelta } from '../../src/core/ipset-plan.js';
import { planNftDelta } from '../../src/core/nft-plan.js';

const NOW = 1_000_000;
const SETUP: FirewallSetup = { jails: [{ name: 'sshd', protocol: 'tcp', ports: [], connlimit: null }], hooks: ['INPUT'], now: NOW };
const ban = (ip: string, expiresAt: number | null): BanEntry => ({ ip, jail: 'sshd', expiresAt });

// The difference a verified firewall gets: by record, so a renewed ban is a delete and an add.
describe('the difference applied to a verified firewall', () => {
  const kept = ban('192.0.2.1', null);
  const lifted = ban('192.0.2.2', NOW + 10);
  const renewedOld = ban('2001:db8::3', NOW + 5);
  const renewedNew = ban('2001:db8::3', NOW + 3600);
  const added = ban('198.51.100.4', NOW + 60);
  const previous = [kept, lifted, renewedOld];
  const bans = [kept, renewedNew, added];

  it('ipset: deletions first, then additions with their remaining time; the kept ban is not touched', () => {
    expect(planIpsetDelta(SETUP, previous, bans)).toEqual([
      ['ipset', 'del', 'logban-sshd-v4', '192.0.2.2', '-exist'],
      ['ipset', 'del', 'logban-sshd-v6', '2001:db8::3', '-exist'],
      ['ipset', 'add', 'logban-sshd-v6', '2001:db8::3', 'timeout', '3600', '-exist'],
      ['ipset', 'add', 'logban-sshd-v4', '198.51.100.4', 'timeout', '60', '-exist'],
    ]);
  });

  it('nftables: an element is added before it is deleted, so one the kernel timed out cannot fail the batch', () => {
    const plan = planNftDelta(SETUP, previous, bans);
    expect(plan.script.trim().split('\n')).toEqual([
      'add element inet logban ban4-sshd { 192.0.2.2 }',
      'delete element inet logban ban4-sshd { 192.0.2.2 }',
      'add element inet logban ban6-sshd { 2001:db8::3 }',
      'delete element inet logban ban6-sshd { 2001:db8::3 }',
      'add element inet logban ban6-sshd { 2001:db8::3 timeout 3600s }',
      'add element inet logban ban4-sshd { 198.51.100.4 timeout 60s }',
    ]);
    expect(plan.commands).toHaveLength(4);
  });

  it('nothing to change: no command', () => {
    expect(planIpsetDelta(SETUP, previous, previous)).toEqual([]);
    expect(planNftDelta(SETUP, previous, previous)).toEqual({ commands: [], script: '' });
  });
});

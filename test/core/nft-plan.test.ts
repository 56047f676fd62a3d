import { describe, expect, it } from 'vitest';
import { nftHookFor, parseNftJson, planNft, viewOfTable, wantedTable } from '../../src/core/nft-plan.js';
import { SET_CAPACITY } from '../../src/core/jail-capacity.js';
import { BANS, NOW, readFirewallFixture, SETUP } from '../helpers/firewall-fixture.js';

// The fixture is what nft printed after applying BANS with SETUP.
const LISTED = parseNftJson(readFirewallFixture('nft-table.json'));

describe('nftables plan', () => {
  it('reads the table: its structure and the IPs of each ban set', () => {
    expect(LISTED.exists).toBe(true);
    expect(Object.fromEntries([...LISTED.elements].map(([k, v]) => [k, [...v]]))).toEqual({
      'ban4-sshd': ['203.0.113.50'], 'ban6-sshd': ['2001:db8::bad'], 'ban4-web': ['203.0.113.50'], 'ban6-web': ['2001:db8::bad'],
      'ban4-forever': ['198.51.100.7'], 'ban6-forever': [],
      'net4-sshd': [], 'net6-sshd': ['2001:db8:1:2::/64'], 'net4-web': [], 'net6-web': [], 'net4-forever': ['198.51.100.0/24'], 'net6-forever': [],
    });
    expect([...LISTED.structure].filter((k) => k.startsWith('chain'))).toEqual(['chain jail-sshd -', 'chain jail-web -', 'chain jail-forever -', 'chain hook-input input']);
  });

  it('blocks go to interval sets of their own; of nested blocks the widest stands for the rest', () => {
    const bans = [...BANS, { ip: '2001:db8:1:2:3::/80', jail: 'sshd', expiresAt: null }, { ip: '2001:db8:1::/48', jail: 'forever', expiresAt: null }];
    const plan = planNft(wantedTable(SETUP, bans), LISTED);
    expect(plan.commands).toEqual([['nft', 'add', 'element', 'inet', 'logban', 'net6-forever', '{ 2001:db8:1::/48 }']]);
    expect(wantedTable(SETUP, bans).statements[1]!.argv.at(-1)).toBe(`{ type ipv6_addr; size ${SET_CAPACITY}; flags timeout; }`);
    expect(wantedTable(SETUP, bans).statements[3]!.argv.at(-1)).toBe(`{ type ipv6_addr; size ${SET_CAPACITY}; flags interval, timeout; }`);
  });

  it('plans nothing against what nft showed after applying the same bans', () => {
    expect(planNft(wantedTable(SETUP, BANS), LISTED)).toEqual({ commands: [], script: '' });
  });

  it('only deletes and adds IPs when the structure is unchanged (deletes first, so a full set turns over); a delete cannot fail on a timed-out element', () => {
    const bans = [...BANS.slice(1), { ip: '203.0.113.77', jail: 'sshd', expiresAt: NOW + 59.5 }];
    expect(planNft(wantedTable(SETUP, bans), LISTED)).toEqual({
      commands: [
        ['nft', 'delete', 'element', 'inet', 'logban', 'ban4-sshd', '{ 203.0.113.50 }'],
        ['nft', 'add', 'element', 'inet', 'logban', 'ban4-sshd', '{ 203.0.113.77 timeout 60s }'],
      ],
      script: [
        'add element inet logban ban4-sshd { 203.0.113.50 }',
        'delete element inet logban ban4-sshd { 203.0.113.50 }',
        'add element inet logban ban4-sshd { 203.0.113.77 timeout 60s }',
        '',
      ].join('\n'),
    });
  });

  it('ban sets hold SET_CAPACITY; a table whose sets have no size (or another) is rebuilt with every IP', () => {
    expect(wantedTable(SETUP, BANS).statements[0]!.argv.at(-1)).toBe(`{ type ipv4_addr; size ${SET_CAPACITY}; flags timeout; }`);
    const unsized = parseNftJson(readFirewallFixture('nft-table.json').replaceAll(`"size": ${SET_CAPACITY},`, ''));
    expect([...unsized.structure].filter((k) => k.startsWith('set ban4-'))).toEqual(['set ban4-sshd ipv4_addr -', 'set ban4-web ipv4_addr -', 'set ban4-forever ipv4_addr -']);
    const plan = planNft(wantedTable(SETUP, BANS), unsized);
    expect(plan.script.split('\n').slice(0, 3)).toEqual(['add table inet logban', 'delete table inet logban', 'add table inet logban']);
    expect(plan.script).toContain('add element inet logban ban4-forever { 198.51.100.7 }');
  });

  it('a state over the limit puts SET_CAPACITY IPs of the jail and family in its set, the first ones', () => {
    const many = Array.from({ length: SET_CAPACITY + 2 }, (_, i) => ({ ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, jail: 'forever', expiresAt: null }));
    const set = wantedTable(SETUP, [...many, { ip: '2001:db8::1', jail: 'forever', expiresAt: null }]).elements;
    expect(set.get('ban4-forever')!.size).toBe(SET_CAPACITY);
    expect(set.get('ban4-forever')!.has(`10.4.0.1`)).toBe(false);
    expect(set.get('ban6-forever')!.size).toBe(1);
  });

  it('replaces the whole table, with every IP, in one transaction when the structure differs', () => {
    const setup = { ...SETUP, jails: SETUP.jails.map((j) => (j.name === 'web' ? { ...j, connlimit: 20 } : j)) };
    const plan = planNft(wantedTable(setup, BANS), LISTED);
    expect(plan.commands[0]).toEqual(['nft', 'delete', 'table', 'inet', 'logban']);
    expect(plan.commands).toContainEqual(['nft', 'add', 'element', 'inet', 'logban', 'ban4-forever', '{ 198.51.100.7 }']);
    expect(plan.commands.filter((c) => c.at(-1)!.includes('ct count over 20'))).toHaveLength(2);
    expect(plan.script.split('\n').slice(0, 3)).toEqual(['add table inet logban', 'delete table inet logban', 'add table inet logban']);
    expect(plan.script).toContain('add element inet logban ban6-sshd { 2001:db8::bad timeout 3363s }');
  });

  it('a missing table is created with every jail, hook and IP', () => {
    const plan = planNft(wantedTable(SETUP, BANS), parseNftJson(''));
    expect(plan.commands[0]).toEqual(['nft', 'add', 'table', 'inet', 'logban']);
    expect(plan.commands).toContainEqual(['nft', 'add', 'chain', 'inet', 'logban', 'hook-input', '{ type filter hook input priority filter - 1; policy accept; }']);
    expect(plan.commands.filter((c) => c[2] === 'rule' && c[5] === 'hook-input').map((c) => c[6]!.replace(/ comment .*/, ''))).toEqual([
      'meta l4proto tcp th dport { 22, 2200-2299 } jump jail-sshd',
      'meta l4proto tcp th dport { 80 } jump jail-web',
      'jump jail-forever',
    ]);
  });

  it('groups many IPs into one element statement per thousand', () => {
    const many = Array.from({ length: 2500 }, (_, i) => ({ ip: `198.18.${i >> 8}.${i & 255}`, jail: 'forever', expiresAt: null }));
    const plan = planNft(wantedTable(SETUP, many), viewOfTable(wantedTable(SETUP, [])));
    expect(plan.commands).toHaveLength(2500);
    expect(plan.script.split('\n').filter((l) => l.startsWith('add element'))).toHaveLength(3);
  });

  it.each([['INPUT', 'input'], ['FORWARD', 'forward'], ['DOCKER-USER', 'forward'], ['OUTPUT', null]])('chain %s hooks at %s', (chain, hook) => {
    expect(nftHookFor(chain)).toBe(hook);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRuleListing } from '../../src/core/iptables-plan.js';
import { IPSET_MAX_TIMEOUT, parseIpsetSave, parseIpsetSizes, planSetChains, setsAfter, toIpsetRestore } from '../../src/core/ipset-plan.js';
import { BANS, NOW, readFirewallFixture, SETUP } from '../helpers/firewall-fixture.js';

describe('ipset plan', () => {
  const sets = parseIpsetSave(readFirewallFixture('ipset-save.txt'));
  const chains = parseRuleListing(readFirewallFixture('iptables-S-ipset.txt'));

  it('reads logban\'s sets from ipset save', () => {
    expect(Object.fromEntries([...sets].map(([k, v]) => [k, [...v]]))).toEqual({
      'logban-sshd-v4': ['203.0.113.50'], 'logban-web-v4': ['203.0.113.50'], 'logban-forever-v4': ['198.51.100.7'],
      'logban-forever-n4': ['198.51.100.0/24'], 'logban-sshd-v6': ['2001:db8::bad'], 'logban-sshd-n6': ['2001:db8:1:2::/64'],
      'logban-web-v6': ['2001:db8::bad'],
    });
  });

  it('a block goes to the jail\'s hash:net set, made with the first block and matched by a rule of its own', () => {
    expect(planSetChains(SETUP, 6, BANS, sets, parseRuleListing(readFirewallFixture('iptables-S-ipset.txt').replaceAll('-v4', '-v6')))).toMatchObject({ setCommands: [] });
    const plan = planSetChains({ ...SETUP, jails: [] }, 6, [{ ip: '2001:db8:7::/48', jail: 'sshd', expiresAt: null }], new Map(), parseRuleListing('-P INPUT ACCEPT'));
    expect(plan.setCommands).toEqual([
      ['ipset', 'create', 'logban-sshd-n6', 'hash:net', 'family', 'inet6', 'timeout', '0', 'maxelem', '262144', '-exist'],
      ['ipset', 'add', 'logban-sshd-n6', '2001:db8:7::/48', 'timeout', '0', '-exist'],
    ]);
    expect(plan.commands.at(-1)).toEqual(['ip6tables', '-w', '-A', 'logban-sshd', '-m', 'set', '--match-set', 'logban-sshd-n6', 'src', '-j', 'DROP']);
  });

  it('plans nothing against what the kernel showed after applying the same bans', () => {
    expect(planSetChains(SETUP, 4, BANS, sets, chains)).toEqual({ setCommands: [], commands: [], missingChains: [] });
  });

  it('deletes a lifted IP, then adds a new one with its remaining time (a full set turns over), keeps the set and its rule', () => {
    const bans = [...BANS.filter((b) => b.jail !== 'forever'), { ip: '198.51.100.8', jail: 'sshd', expiresAt: NOW + 90.2 }];
    expect(planSetChains(SETUP, 4, bans, sets, chains)).toEqual({
      setCommands: [
        ['ipset', 'del', 'logban-forever-v4', '198.51.100.7', '-exist'],
        ['ipset', 'del', 'logban-forever-n4', '198.51.100.0/24', '-exist'],
        ['ipset', 'add', 'logban-sshd-v4', '198.51.100.8', 'timeout', '91', '-exist'],
      ],
      commands: [],
      missingChains: [],
    });
  });

  it('caps a timeout at what the kernel accepts; a permanent ban has none', () => {
    const plan = planSetChains(SETUP, 4, [{ ip: '203.0.113.1', jail: 'sshd', expiresAt: NOW + 40 * 86400 }, { ip: '203.0.113.2', jail: 'sshd', expiresAt: null }], new Map(), parseRuleListing(''));
    expect(plan.setCommands).toEqual([
      ['ipset', 'create', 'logban-sshd-v4', 'hash:ip', 'family', 'inet', 'timeout', '0', 'maxelem', '262144', '-exist'],
      ['ipset', 'add', 'logban-sshd-v4', '203.0.113.1', 'timeout', String(IPSET_MAX_TIMEOUT), '-exist'],
      ['ipset', 'add', 'logban-sshd-v4', '203.0.113.2', 'timeout', '0', '-exist'],
    ]);
    expect(toIpsetRestore(plan.setCommands.slice(1))).toBe(`add logban-sshd-v4 203.0.113.1 timeout ${IPSET_MAX_TIMEOUT} -exist\nadd logban-sshd-v4 203.0.113.2 timeout 0 -exist\n`);
  });

  it('an IPv6 set is created with family inet6 and matched in ip6tables', () => {
    const plan = planSetChains({ ...SETUP, jails: [] }, 6, [{ ip: '2001:db8::7', jail: 'sshd', expiresAt: null }], new Map(), parseRuleListing('-P INPUT ACCEPT'));
    expect(plan.setCommands[0]).toEqual(['ipset', 'create', 'logban-sshd-v6', 'hash:ip', 'family', 'inet6', 'timeout', '0', 'maxelem', '262144', '-exist']);
    expect(plan.commands).toEqual([
      ['ip6tables', '-w', '-N', 'logban-sshd'],
      ['ip6tables', '-w', '-I', 'INPUT', '1', '-j', 'logban-sshd'],
      ['ip6tables', '-w', '-A', 'logban-sshd', '-m', 'set', '--match-set', 'logban-sshd-v6', 'src', '-j', 'DROP'],
    ]);
  });

  it('replaces per-IP rules left by the iptables backend with the set rule', () => {
    const left = parseRuleListing('-P INPUT ACCEPT\n-N logban-forever\n-A INPUT -j logban-forever\n-A logban-forever -s 198.51.100.7/32 -j DROP\n');
    const setup = { ...SETUP, jails: SETUP.jails.filter((j) => j.name === 'forever') };
    expect(planSetChains(setup, 4, [BANS[4]!], new Map(), left).commands).toEqual([
      ['iptables', '-w', '-A', 'logban-forever', '-m', 'set', '--match-set', 'logban-forever-v4', 'src', '-j', 'DROP'],
      ['iptables', '-w', '-D', 'logban-forever', '-s', '198.51.100.7', '-j', 'DROP'],
    ]);
  });

  it('the do-nothing backend plans against what the last run left', () => {
    const before = setsAfter(SETUP, 4, BANS);
    expect(planSetChains(SETUP, 4, BANS, before.sets, before.chains)).toEqual({ setCommands: [], commands: [], missingChains: [] });
  });

  it('reads each set\'s maxelem; sets an older logban made with a larger one are kept as they are', () => {
    const sizes = parseIpsetSizes(readFirewallFixture('ipset-save.txt').replaceAll('maxelem 262144', 'maxelem 1048576'));
    expect(sizes.get('logban-sshd-v4')).toBe(1_048_576);
    expect(planSetChains(SETUP, 4, BANS, sets, chains, sizes)).toEqual({ setCommands: [], commands: [], missingChains: [] });
  });

  it('regrows a set made smaller than 262,144 in a spare set swapped in, with every IP', () => {
    const saved = 'create logban-forever-v4 hash:ip family inet hashsize 1024 maxelem 65536 timeout 0 bucketsize 12 initval 0x1\nadd logban-forever-v4 198.51.100.7 timeout 0\n';
    const bans = [BANS[4]!, { ip: '198.51.100.9', jail: 'forever', expiresAt: null }];
    const setup = { ...SETUP, jails: SETUP.jails.filter((j) => j.name === 'forever') };
    expect(planSetChains(setup, 4, bans, parseIpsetSave(saved), chains, parseIpsetSizes(saved)).setCommands).toEqual([
      ['ipset', 'create', 'logban_regrow-v4', 'hash:ip', 'family', 'inet', 'timeout', '0', 'maxelem', '262144', '-exist'],
      ['ipset', 'flush', 'logban_regrow-v4'],
      ['ipset', 'add', 'logban_regrow-v4', '198.51.100.7', 'timeout', '0', '-exist'],
      ['ipset', 'add', 'logban_regrow-v4', '198.51.100.9', 'timeout', '0', '-exist'],
      ['ipset', 'swap', 'logban_regrow-v4', 'logban-forever-v4'],
      ['ipset', 'destroy', 'logban_regrow-v4'],
    ]);
  });

  it('a spare set left by a killed regrow is destroyed', () => {
    const saved = `${readFirewallFixture('ipset-save.txt')}create logban_regrow-v4 hash:ip family inet hashsize 1024 maxelem 262144 timeout 0\n`;
    expect(parseIpsetSave(saved).has('logban_regrow-v4')).toBe(false);
    expect(planSetChains(SETUP, 4, BANS, sets, chains, parseIpsetSizes(saved)).setCommands).toEqual([['ipset', 'destroy', 'logban_regrow-v4']]);
  });
});

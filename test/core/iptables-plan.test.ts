import { describe, expect, it } from 'vitest';
import type { FirewallSetup, JailFilter } from '../../src/core/firewall-model.js';
import { EMPTY_VIEW, chainsAfter, dropRules, hookSpecs, parseRuleListing, planBanChains, toRestoreInput } from '../../src/core/iptables-plan.js';

const LISTING = `-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N logban-sshd
-N other
-A INPUT -j logban-sshd
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A logban-sshd -s 203.0.113.50/32 -j DROP
-A logban-sshd -s 203.0.113.51/32 -j DROP
-A other -s 198.51.100.1/32 -j DROP
`;

const all = (name: string): JailFilter => ({ name, protocol: 'all', ports: [], connlimit: null });
const setup = (over: Partial<FirewallSetup> = {}): FirewallSetup => ({ jails: [all('sshd'), all('mysqld-auth')], hooks: ['INPUT'], now: 1000, ...over });
const ban = (ip: string, jail = 'sshd') => ({ ip, jail, expiresAt: 5000 });

describe('iptables plan', () => {
  const actual = parseRuleListing(LISTING);

  it('reads every chain name, only logban rules, and the jumps into logban chains', () => {
    expect([...actual.chains]).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'logban-sshd', 'other']);
    expect([...actual.rules]).toEqual([['logban-sshd', ['-s 203.0.113.50 -j DROP', '-s 203.0.113.51 -j DROP']]]);
    expect(actual.hooks).toEqual(['INPUT -j logban-sshd']);
  });

  it('adds what is missing and removes what is stale, nothing else', () => {
    const bans = [ban('203.0.113.50'), ban('203.0.113.52'), ban('198.51.100.77', 'mysqld-auth')];
    expect(planBanChains(setup(), 4, bans, actual)).toEqual({
      commands: [
        ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.52', '-j', 'DROP'],
        ['iptables', '-w', '-N', 'logban-mysqld-auth'],
        ['iptables', '-w', '-I', 'INPUT', '1', '-j', 'logban-mysqld-auth'],
        ['iptables', '-w', '-A', 'logban-mysqld-auth', '-s', '198.51.100.77', '-j', 'DROP'],
        ['iptables', '-w', '-D', 'logban-sshd', '-s', '203.0.113.51', '-j', 'DROP'],
      ],
      missingChains: [],
    });
  });

  it('plans nothing when the firewall already matches (reruns add nothing twice)', () => {
    expect(planBanChains(setup(), 4, [ban('203.0.113.50'), ban('203.0.113.51')], actual).commands).toEqual([]);
  });

  it('adds one rule for an IP listed twice', () => {
    expect(planBanChains(setup(), 4, [ban('203.0.113.60'), ban('203.0.113.60')], EMPTY_VIEW).commands.filter((c) => c.includes('203.0.113.60'))).toHaveLength(1);
  });

  it('removes duplicated rules and jumps, keeping one of each', () => {
    const doubled = parseRuleListing(`${LISTING}-A INPUT -j logban-sshd\n-A logban-sshd -s 203.0.113.50/32 -j DROP\n`);
    expect(planBanChains(setup(), 4, [ban('203.0.113.50'), ban('203.0.113.51')], doubled).commands).toEqual([
      ['iptables', '-w', '-D', 'INPUT', '-j', 'logban-sshd'],
      ['iptables', '-w', '-D', 'logban-sshd', '-s', '203.0.113.50', '-j', 'DROP'],
    ]);
  });

  it('hooks into every configured chain, e.g. DOCKER-USER, and names a hook chain that does not exist', () => {
    const plan = planBanChains(setup({ hooks: ['INPUT', 'DOCKER-USER'] }), 4, [ban('203.0.113.50'), ban('203.0.113.51')], actual);
    expect(plan.commands).toEqual([['iptables', '-w', '-I', 'DOCKER-USER', '1', '-j', 'logban-sshd']]);
    expect(plan.missingChains).toEqual(['DOCKER-USER']);
    const docker = parseRuleListing(`${LISTING}-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n`);
    expect(planBanChains(setup({ hooks: ['INPUT', 'DOCKER-USER'] }), 4, [ban('203.0.113.50'), ban('203.0.113.51')], docker).missingChains).toEqual([]);
  });

  it('moves the jump when the hook chains change', () => {
    const plan = planBanChains(setup({ hooks: ['FORWARD'] }), 4, [ban('203.0.113.50'), ban('203.0.113.51')], actual);
    expect(plan.commands).toEqual([
      ['iptables', '-w', '-I', 'FORWARD', '1', '-j', 'logban-sshd'],
      ['iptables', '-w', '-D', 'INPUT', '-j', 'logban-sshd'],
    ]);
  });

  it('limits a jail to its protocol and ports, and replaces the jump when they change', () => {
    const web: JailFilter = { name: 'sshd', protocol: 'tcp', ports: [{ from: 22, to: 22 }, { from: 2200, to: 2299 }], connlimit: null };
    const plan = planBanChains(setup({ jails: [web] }), 4, [ban('203.0.113.50'), ban('203.0.113.51')], actual);
    expect(plan.commands).toEqual([
      ['iptables', '-w', '-I', 'INPUT', '1', '-p', 'tcp', '-m', 'multiport', '--dports', '22,2200:2299', '-j', 'logban-sshd'],
      ['iptables', '-w', '-D', 'INPUT', '-j', 'logban-sshd'],
    ]);
  });

  it.each([
    [{ protocol: 'all', ports: [] }, [['-j', 'logban-x']]],
    [{ protocol: 'udp', ports: [] }, [['-p', 'udp', '-j', 'logban-x']]],
    [{ protocol: 'tcp', ports: [{ from: 80, to: 80 }, { from: 443, to: 443 }] }, [['-p', 'tcp', '-m', 'multiport', '--dports', '80,443', '-j', 'logban-x']]],
    [{ protocol: 'all', ports: [{ from: 53, to: 53 }] }, [
      ['-p', 'tcp', '-m', 'multiport', '--dports', '53', '-j', 'logban-x'],
      ['-p', 'udp', '-m', 'multiport', '--dports', '53', '-j', 'logban-x'],
    ]],
  ] as const)('jumps for %j', (filter, specs) => {
    expect(hookSpecs({ name: 'x', connlimit: null, ...filter, ports: [...filter.ports] })).toEqual(specs);
  });

  it('puts a connection limit into the jail chain once, even without bans, per family', () => {
    const web: JailFilter = { name: 'web', protocol: 'tcp', ports: [{ from: 80, to: 80 }], connlimit: 16 };
    const first = planBanChains(setup({ jails: [web] }), 6, [], EMPTY_VIEW).commands;
    expect(first).toEqual([
      ['ip6tables', '-w', '-N', 'logban-web'],
      ['ip6tables', '-w', '-I', 'INPUT', '1', '-p', 'tcp', '-m', 'multiport', '--dports', '80', '-j', 'logban-web'],
      ['ip6tables', '-w', '-A', 'logban-web', '-p', 'tcp', '-m', 'tcp', '--tcp-flags', 'FIN,SYN,RST,ACK', 'SYN', '-m', 'multiport', '--dports', '80',
        '-m', 'connlimit', '--connlimit-above', '16', '--connlimit-mask', '128', '--connlimit-saddr', '-j', 'DROP'],
    ]);
    // What ip6tables -S prints back after that batch:
    const after = parseRuleListing([
      '-P INPUT ACCEPT', '-N logban-web', '-A INPUT -p tcp -m multiport --dports 80 -j logban-web',
      '-A logban-web -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m multiport --dports 80 -m connlimit --connlimit-above 16 --connlimit-mask 128 --connlimit-saddr -j DROP',
    ].join('\n'));
    expect(planBanChains(setup({ jails: [web] }), 6, [], after).commands).toEqual([]);
  });

  it('reads ip6tables listings', () => {
    const v6 = parseRuleListing('-N logban-sshd\n-A logban-sshd -s 2001:db8::bad/128 -j DROP\n');
    expect(planBanChains(setup(), 6, [], v6).commands).toEqual([
      ['ip6tables', '-w', '-I', 'INPUT', '1', '-j', 'logban-sshd'],
      ['ip6tables', '-w', '-D', 'logban-sshd', '-s', '2001:db8::bad', '-j', 'DROP'],
    ]);
  });

  it('the do-nothing backend plans against what the last run left', () => {
    const before = chainsAfter(setup(), 4, dropRules([ban('203.0.113.50')], 4));
    expect(planBanChains(setup(), 4, [ban('203.0.113.50'), ban('203.0.113.60')], before).commands).toEqual([
      ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.60', '-j', 'DROP'],
    ]);
  });

  it('turns the commands into one iptables-restore batch that fails if a chain exists', () => {
    expect(toRestoreInput([
      ['iptables', '-w', '-N', 'logban-sshd'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-j', 'logban-sshd'],
      ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP'],
    ])).toBe('*filter\n-N logban-sshd\n-I INPUT 1 -j logban-sshd\n-A logban-sshd -s 203.0.113.9 -j DROP\nCOMMIT\n');
  });
});

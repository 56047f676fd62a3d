import { describe, expect, it } from 'vitest';
import { parseRuleListing, planChains, toRestoreInput } from '../../src/core/iptables-plan.js';

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

describe('iptables plan', () => {
  const actual = parseRuleListing(LISTING);

  it('reads only logban chains and the jumps into them', () => {
    expect([...actual.chains.keys()]).toEqual(['logban-sshd']);
    expect([...actual.chains.get('logban-sshd')!]).toEqual(['203.0.113.50', '203.0.113.51']);
    expect([...actual.hooks]).toEqual(['INPUT logban-sshd']);
  });

  it('adds what is missing and removes what is stale, nothing else', () => {
    const desired = new Map([['logban-sshd', new Set(['203.0.113.50', '203.0.113.52'])], ['logban-mysqld-auth', new Set(['198.51.100.77'])]]);
    expect(planChains(4, desired, actual, ['INPUT'])).toEqual([
      ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.52', '-j', 'DROP'],
      ['iptables', '-w', '-N', 'logban-mysqld-auth'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-j', 'logban-mysqld-auth'],
      ['iptables', '-w', '-A', 'logban-mysqld-auth', '-s', '198.51.100.77', '-j', 'DROP'],
      ['iptables', '-w', '-D', 'logban-sshd', '-s', '203.0.113.51', '-j', 'DROP'],
    ]);
  });

  it('plans nothing when the firewall already matches (reruns add nothing twice)', () => {
    const desired = new Map([['logban-sshd', new Set(['203.0.113.50', '203.0.113.51'])]]);
    expect(planChains(4, desired, actual, ['INPUT'])).toEqual([]);
  });

  it('hooks into every configured chain, e.g. DOCKER-USER', () => {
    const desired = new Map([['logban-sshd', new Set(['203.0.113.50', '203.0.113.51'])]]);
    expect(planChains(4, desired, actual, ['INPUT', 'DOCKER-USER'])).toEqual([
      ['iptables', '-w', '-I', 'DOCKER-USER', '1', '-j', 'logban-sshd'],
    ]);
  });

  it('reads ip6tables listings', () => {
    const v6 = parseRuleListing('-N logban-sshd\n-A logban-sshd -s 2001:db8::bad/128 -j DROP\n');
    expect(planChains(6, new Map([['logban-sshd', new Set<string>()]]), v6, ['INPUT'])).toEqual([
      ['ip6tables', '-w', '-D', 'logban-sshd', '-s', '2001:db8::bad', '-j', 'DROP'],
    ]);
  });

  it('turns the commands into one iptables-restore batch', () => {
    expect(toRestoreInput([
      ['iptables', '-w', '-N', 'logban-sshd'],
      ['iptables', '-w', '-I', 'INPUT', '1', '-j', 'logban-sshd'],
      ['iptables', '-w', '-A', 'logban-sshd', '-s', '203.0.113.9', '-j', 'DROP'],
    ])).toBe('*filter\n:logban-sshd - [0:0]\n-I INPUT 1 -j logban-sshd\n-A logban-sshd -s 203.0.113.9 -j DROP\nCOMMIT\n');
  });
});

import { describe, expect, it } from 'vitest';
import { specialKind, type SpecialKind } from '../../src/core/address-class.js';
import { createBanGuard } from '../../src/core/ban-guard.js';

describe('specialKind: the addresses no ban may name', () => {
  it.each<[string, SpecialKind | null]>([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:0', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['::ffff:224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['FF05::1:3', 'multicast'],
    ['ff00::', 'multicast'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::FFFF:7f00:2', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'link-local'],
    ['::ffff:169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1234:5678:9abc:def0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    // Ordinary clients, and the edges of each range.
    ['1.0.0.0', null],
    ['126.255.255.255', null],
    ['128.0.0.0', null],
    ['169.253.255.255', null],
    ['169.255.0.0', null],
    ['223.255.255.255', null],
    ['240.0.0.1', null],
    ['255.255.255.254', null],
    ['203.0.113.9', null],
    ['::ffff:203.0.113.9', null],
    ['::2', null],
    ['::0.0.0.1', 'loopback'],
    ['::127.0.0.1', null],
    ['fec0::1', null],
    ['fe7f::1', null],
    ['feff::1', null],
    ['fd00::1', null],
    ['2001:db8::1', null],
    ['fe00::1', null],
    // Not an address at all.
    ['not an ip', null],
    ['256.0.0.1', null],
  ])('%s → %s', (ip, kind) => {
    expect(specialKind(ip)).toBe(kind);
  });
});

describe('createBanGuard: the checks of every ban', () => {
  const jails = [
    { name: 'sshd', ignoreip: ['198.51.100.0/24'] },
    { name: 'web', ignoreip: ['2001:db8:1::/48'] },
  ];
  const g = createBanGuard(jails, ['192.0.2.1', '2001:db8::1']);
  if (!g.ok) throw new Error(g.error);
  const refuse = g.value;

  it.each<[string, string, string | null]>([
    ['192.0.2.1', 'sshd', '192.0.2.1 is an address of this host'],
    ['2001:db8::1', 'manual', '2001:db8::1 is an address of this host'],
    ['127.0.0.1', 'sshd', '127.0.0.1 is a loopback address (127.0.0.0/8, ::1): this host itself'],
    ['0.0.0.0', 'manual', '0.0.0.0 is an unspecified address (0.0.0.0/8, ::), never a real client'],
    ['255.255.255.255', 'web', '255.255.255.255 is the broadcast address'],
    ['ff02::1', 'sshd', 'ff02::1 is a multicast address (224.0.0.0/4, ff00::/8), never a real client'],
    ['fe80::1', 'sshd', expect.stringMatching(/^fe80::1 is a link-local address .*cut this host off/) as unknown as string],
    ['198.51.100.7', 'sshd', '198.51.100.7 is in ignoreip of jail sshd'],
    ['198.51.100.7', 'web', null],
    ['198.51.100.7', 'manual', '198.51.100.7 is in ignoreip of jail sshd'],
    ['2001:db8:1::9', 'manual', '2001:db8:1::9 is in ignoreip of jail web'],
    ['2001:db8:1::9', 'sshd', null],
    ['203.0.113.9', 'sshd', null],
    ['203.0.113.9', 'manual', null],
    ['198.51.100.7', 'removed-jail', null],
  ])('%s in jail %s → %s', (ip, jail, reason) => {
    expect(refuse(ip, jail)).toEqual(reason);
  });

  it('a bad ignoreip entry is an error value, not a throw', () => {
    expect(createBanGuard([{ name: 'sshd', ignoreip: ['nonsense'] }], [])).toEqual({ ok: false, error: expect.stringContaining('ignoreip of jail sshd') });
  });
});

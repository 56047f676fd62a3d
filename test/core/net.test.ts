import { describe, expect, it } from 'vitest';
import { canonicalTarget, containsBlock, isCanonicalTarget, overlaps, parseBlock } from '../../src/core/net.js';
import { createKeyer, createShields, cutBlock, networkRefusal } from '../../src/core/shields.js';

const block = (text: string) => parseBlock(text)!;

describe('targets: one address or a block', () => {
  it.each([
    ['2001:DB8:1:2:0:0:0:9/64', '2001:db8:1:2::/64'],
    ['203.0.113.77/24', '203.0.113.0/24'],
    ['203.0.113.7/32', '203.0.113.7'],
    ['2001:db8::1/128', '2001:db8::1'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:0:0:1:0:0:0/80', '2001:db8:0:0:1::/80'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('%s is spelt %s', (text, want) => {
    expect(canonicalTarget(text)).toBe(want);
    expect(isCanonicalTarget(want)).toBe(true);
  });

  it.each(['203.0.113.7/33', '2001:db8::/129', '203.0.113.7/', '203.0.113.7/-1', 'host/24', '203.0.113.0/24/1', '2001:db8::/0x40', ''])('%s is no target', (text) => {
    expect(canonicalTarget(text)).toBeNull();
  });

  it('a block in another spelling is not canonical (the state holds one spelling)', () => {
    expect(isCanonicalTarget('203.0.113.5/24')).toBe(false);
    expect(isCanonicalTarget('2001:db8:1:2:0::/64')).toBe(false);
  });

  it('containment and overlap', () => {
    expect(containsBlock(block('2001:db8:1::/48'), block('2001:db8:1:2::/64'))).toBe(true);
    expect(containsBlock(block('2001:db8:1:2::/64'), block('2001:db8:1::/48'))).toBe(false);
    expect(overlaps(block('2001:db8:1:2::/64'), block('2001:db8:1::/48'))).toBe(true);
    expect(overlaps(block('2001:db8:1:2::/64'), block('2001:db8:1:3::/64'))).toBe(false);
    expect(overlaps(block('203.0.113.0/24'), block('2001:db8::/32'))).toBe(false);
    expect(containsBlock(block('203.0.113.0/24'), block('203.0.113.255'))).toBe(true);
  });
});

describe('never too wide', () => {
  const shields = createShields([{ name: 'sshd', ignoreip: ['198.51.100.128/25', '2001:db8:9::/48'] }], ['2001:db8:1:2::1', '192.0.2.10'], ['203.0.113.1']);

  it('a /64 holding the host\'s own address is cut to the widest block beside it, and says which address was in the way', () => {
    const cut = cutBlock(block('2001:db8:1:2::99'), 64, shields('sshd'));
    expect(cut.block).toEqual(block('2001:db8:1:2::80/121'));
    expect(cut.by?.why).toBe('2001:db8:1:2::1 is an address of this host');
    // Any address of the cut block gets the same block; one of the other half another that does not overlap it.
    expect(cutBlock(block('2001:db8:1:2::fe'), 64, shields('sshd')).block).toEqual(cut.block);
    expect(cutBlock(block('2001:db8:1:2:8000::5'), 64, shields('sshd')).block).toEqual(block('2001:db8:1:2:8000::/65'));
  });

  it('a /64 without any shield stays whole', () => {
    expect(cutBlock(block('2001:db8:7:7::99'), 64, shields('sshd'))).toEqual({ block: block('2001:db8:7:7::/64'), by: null });
  });

  it('an address a shield holds gets no block (the guard refuses it)', () => {
    expect(cutBlock(block('2001:db8:9:1::5'), 64, shields('sshd')).block).toEqual(block('2001:db8:9:1::5'));
    expect(cutBlock(block('198.51.100.200'), 24, shields('sshd')).by?.why).toBe('198.51.100.128/25 is in ignoreip of jail sshd');
  });

  it('the default gateway and ignoreip CIDRs cut IPv4 blocks too', () => {
    expect(cutBlock(block('203.0.113.77'), 24, shields('sshd')).block).toEqual(block('203.0.113.64/26'));
    expect(cutBlock(block('198.51.100.5'), 24, shields('sshd')).block).toEqual(block('198.51.100.0/25'));
  });

  it('a block that overlaps a shield is refused with the address in the way', () => {
    expect(networkRefusal(block('2001:db8:1:2::/64'), shields('sshd'))).toBe('2001:db8:1:2::/64 contains 2001:db8:1:2::1: 2001:db8:1:2::1 is an address of this host');
    expect(networkRefusal(block('2001:db8:9:1::/64'), shields('sshd'))).toBe('2001:db8:9:1::/64 lies inside 2001:db8:9::/48: 2001:db8:9::/48 is in ignoreip of jail sshd');
    expect(networkRefusal(block('127.0.0.0/16'), shields('sshd'))).toMatch(/^127\.0\.0\.0\/16 lies inside 127\.0\.0\.0\/8: .*loopback/);
    expect(networkRefusal(block('0.0.0.0/0'), shields('sshd'))).toMatch(/^0\.0\.0\.0\/0 contains 0\.0\.0\.0\/8/);
    expect(networkRefusal(block('fe80::/16'), shields('sshd'))).toMatch(/link-local/);
    expect(networkRefusal(block('2001:db8:7::/48'), shields('sshd'))).toBeNull();
  });

  it('another jail\'s ignoreip does not cut; the manual jail (every port) heeds every jail\'s', () => {
    expect(cutBlock(block('198.51.100.200'), 24, shields('web')).block).toEqual(block('198.51.100.0/24'));
    expect(networkRefusal(block('198.51.100.0/24'), shields('manual'))).toMatch(/in ignoreip of jail sshd/);
  });

  it('the keyer keys by the jail\'s prefix, leaves full-length prefixes alone', () => {
    const key = createKeyer({ ipv4Prefix: 32, ipv6Prefix: 64 }, shields('sshd'));
    expect(key('2001:db8:7:7::99')).toBe('2001:db8:7:7::/64');
    expect(key('2001:db8:7:7:ffff:ffff:ffff:ffff')).toBe('2001:db8:7:7::/64');
    expect(key('2001:db8:1:2::99')).toBe('2001:db8:1:2::80/121');
    expect(key('203.0.113.77')).toBe('203.0.113.77');
    const per = createKeyer({ ipv4Prefix: 24, ipv6Prefix: 128 }, []);
    expect(per('2001:db8:7:7::99')).toBe('2001:db8:7:7::99');
    expect(per('198.51.100.77')).toBe('198.51.100.0/24');
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalIp, compileIpMatcher } from '../../src/core/ip.js';

describe('canonicalIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['::1', '::1'],
    ['::', '::'],
    ['2001:db8::', '2001:db8::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
  ])('%s -> %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each(['256.1.1.1', '01.2.3.4', '1.2.3', 'fe80::1%eth0', 'example.com', '', '1.2.3.4.5', ':::'])('rejects %j', (input) => {
    expect(canonicalIp(input)).toBeNull();
  });
});

describe('compileIpMatcher', () => {
  const m = compileIpMatcher(['127.0.0.0/8', '::1', '192.168.0.0/24', '2001:db8:1::/48', '198.51.100.7']);
  it('compiles', () => expect(m.ok).toBe(true));
  const check = m.ok ? m.value : () => false;
  it.each([
    ['127.8.9.10', true],
    ['::1', true],
    ['192.168.0.200', true],
    ['192.168.1.1', false],
    ['2001:db8:1:ffff::1', true],
    ['2001:db8:2::1', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
  ])('%s ignored: %s', (ip, expected) => expect(check(ip)).toBe(expected));

  it.each(['10.0.0.0/33', 'nonsense', '1.2.3.4/8/9', '2001:db8::/129'])('rejects %j', (entry) => {
    expect(compileIpMatcher([entry]).ok).toBe(false);
  });
});

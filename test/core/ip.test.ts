import { isIP } from 'node:net';
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

  it.each(['1::2::3', ':1::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', '::1.2.3', '1.2.3.4::',
    '::ffff:01.2.3.4', '1:2:3:4:5:6:7:8::', '2001:db8::1 ', ' ::1'])('rejects IPv6-like %j', (input) => {
    expect(canonicalIp(input)).toBeNull();
  });

  // logban reads IPv6 itself; node:net's isIP is the referee on many spellings, good and bad.
  it('accepts exactly what node:net accepts (dotted quads without leading zeros)', () => {
    const pieces = ['0', '1', 'a', 'ffff', 'FFFF', '12345', 'g', '', '1.2.3.4', '01.2.3.4', '256.0.0.1', '::', ':'];
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    let checked = 0;
    let valid = 0;
    for (let i = 0; i < 4000; i++) {
      const n = 1 + rand(9);
      let text = Array.from({ length: n }, () => pieces[rand(pieces.length)]).join(':');
      if (rand(4) === 0) text = text.replace(':', '::');
      if (/(^|[:.])0\d/.test(text)) continue;
      expect([text, canonicalIp(text) !== null]).toEqual([text, isIP(text) !== 0]);
      checked++;
      if (isIP(text) !== 0) valid++;
    }
    expect(checked).toBeGreaterThan(1000);
    expect(valid).toBeGreaterThan(100);
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

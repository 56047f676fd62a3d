import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/core/classify.js';
import { createStatsTally, renderStatsText, statsClassify, subnetOf, type SubnetBits } from '../../src/core/stats.js';
import type { Matcher } from '../../src/core/match.js';
import { statsMatcher } from '../../src/app/stats.js';
// RFC 3339 syslog prefix with its zone, so the UTC day does not depend on the machine's TZ.
const failure = (at: string, ip: string) => `2026-${at}+00:00 web1 sshd[1234]: Failed password for root from ${ip} port 5555 ssh2\n`;
const NOW = Date.UTC(2026, 10, 21, 12) / 1000;

describe('subnetOf', () => {
  it.each<[string, SubnetBits, string]>([
    ['203.0.113.77', 24, '203.0.113.0/24'],
    ['203.0.113.77', 16, '203.0.0.0/16'],
    ['2001:db8:1:2:3:4:5:6', 24, '2001:db8:1:2::/64'],
    ['2001:db8::7', 16, '2001:db8::/64'],
    ['2001:db8:0:0:1::7', 24, '2001:db8::/64'],
    ['2001:db8:a:b::', 24, '2001:db8:a:b::/64'],
    ['::1', 24, '::/64'],
  ])('%s /%i → %s', (ip, bits, net) => {
    expect(subnetOf(ip, bits)).toBe(net);
  });
});

// The texts of one file in order, classified as `stats` classifies them, into one tally.
function counted(matcher: Matcher, texts: readonly string[], lines = 0) {
  const tally = createStatsTally();
  const c = createClassifier([{ matcher, since: -Infinity }], statsClassify(NOW));
  for (const text of texts) c.write(text, -1);
  c.end();
  tally.consume(c.take());
  tally.addLines(lines);
  return tally;
}

describe('the stats counter', () => {
  it('counts matches per IP, subnet and UTC day; ties sorted by address', () => {
    const c = counted(statsMatcher('sshd'), [
      failure('11-21T09:00:00', '198.51.100.9') + failure('11-21T00:00:00', '198.51.100.10') + failure('11-21T09:00:02', '203.0.113.5'),
      failure('11-20T23:59:59', '203.0.113.5'),
      '2026-11-21T09:00:03+00:00 web1 sshd[2]: Accepted password for alice from 192.0.2.1 port 22 ssh2\n',
    ], 5);
    expect(c.result(24)).toEqual({
      lines: 5,
      matched: 4,
      ips: [{ ip: '203.0.113.5', count: 2 }, { ip: '198.51.100.10', count: 1 }, { ip: '198.51.100.9', count: 1 }],
      subnets: [{ subnet: '198.51.100.0/24', count: 2 }, { subnet: '203.0.113.0/24', count: 2 }],
      days: [{ day: '2026-11-20', count: 1 }, { day: '2026-11-21', count: 3 }],
    });
  });

  it('a custom pattern with <HOST> works like a jail failregex; a line without a date has no day', () => {
    const c = counted(statsMatcher('^<HOST> - \\S+ \\[[^\\]]+\\] "POST /wp-login\\.php'),
      ['203.0.113.7 - - [x] "POST /wp-login.php HTTP/1.1" 200 12\n203.0.113.7 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1\n']);
    const r = c.result(16);
    expect([r.matched, r.ips, r.subnets, r.days]).toEqual([1, [{ ip: '203.0.113.7', count: 1 }], [{ subnet: '203.0.0.0/16', count: 1 }], []]);
  });

  it('refuses a rule that is neither built in nor a pattern with <HOST>', () => {
    expect(() => statsMatcher('no-such-rule')).toThrow(/not a built-in rule/);
    expect(() => statsMatcher('<HOST> <HOST>')).toThrow(/more than one <HOST>/);
  });
});

describe('the stats text view', () => {
  const stats = {
    lines: 100, matched: 6,
    ips: [{ ip: '203.0.113.5', count: 3 }, { ip: '198.51.100.9', count: 2 }, { ip: '192.0.2.1', count: 1 }],
    subnets: [{ subnet: '203.0.113.0/24', count: 3 }, { subnet: '198.51.100.0/24', count: 2 }, { subnet: '192.0.2.0/24', count: 1 }],
    days: [{ day: '2026-11-20', count: 2 }, { day: '2026-11-21', count: 4 }],
  };

  it('--top trims the rows shown and says how many are left', () => {
    const text = renderStatsText(stats, { top: 2, bits: 24, byDay: false, rule: 'sshd', files: 3 });
    expect(text).toContain('logban stats: 6 matched lines of 100 in 3 files (rule sshd), 3 IPs');
    expect(text).toContain('Top 2 IPs (1 more not shown):\n      3  203.0.113.5\n      2  198.51.100.9\n');
    expect(text).not.toContain('192.0.2.1\n');
    expect(text).not.toContain('Per day');
  });

  it('--by day lists every day', () => {
    const text = renderStatsText(stats, { top: 10, bits: 24, byDay: true, rule: 'sshd', files: 1 });
    expect(text).toContain('Per day (UTC):\n      2  2026-11-20\n      4  2026-11-21\n');
  });
});

describe('stats tallies of parts of a log', () => {
  // What reading threads do: each counts its part, and the parts' counts are added up.
  const lines = [
    failure('11-21T09:00:00', '198.51.100.9'), failure('11-21T09:00:01', '203.0.113.5'), failure('11-20T23:59:59', '203.0.113.5'),
    failure('11-21T09:00:02', '2001:db8::5'), '2026-11-21T09:00:03+00:00 web1 sshd[2]: Invalid user x from 198.51.100.9 port 22\n',
  ];
  it('add up to what one tally of the whole log counts', () => {
    const whole = counted(statsMatcher('sshd'), lines);
    const merged = createStatsTally();
    for (const cut of [[0, 2], [2, 3], [3, 5]] as const) merged.merge(counted(statsMatcher('sshd'), lines.slice(cut[0], cut[1])).part());
    expect(merged.result(24)).toEqual(whole.result(24));
    expect(whole.result(24).matched).toBe(5);
    expect(whole.result(24).ips[0]).toEqual({ ip: '198.51.100.9', count: 2 });
  });
});

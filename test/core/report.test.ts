import { describe, expect, it } from 'vitest';
import { hasNews, printable, renderScanLines, renderScanText, reportSubject, scanJson, type ReportInput } from '../../src/core/report.js';
import type { Ban } from '../../src/core/state.js';
import { formatZoned, isKnownTimeZone } from '../../src/core/zoned-time.js';

const t = (iso: string) => Date.parse(iso) / 1000;
const ban: Ban = {
  ip: '203.0.113.9', jail: 'sshd', bannedAt: t('2026-11-21T09:45:00Z'), expiresAt: t('2026-11-21T10:40:20Z'), failures: 3,
  firstSeen: t('2026-11-21T09:40:00Z'), lastSeen: t('2026-11-21T09:40:20Z'), evidence: ['line one', 'line two'],
};
const empty: ReportInput = { dryRun: false, files: [], newBans: [], unbans: [], activeBans: 0, commands: [], notes: [] };

describe('formatZoned', () => {
  it.each<[string, string, string]>([
    ['2026-11-21T01:00:00Z', 'Asia/Tokyo', '2026-11-21 10:00:00 +0900'],
    ['2026-07-01T12:00:00Z', 'America/New_York', '2026-07-01 08:00:00 -0400'],
    ['2026-01-01T12:00:00Z', 'America/New_York', '2026-01-01 07:00:00 -0500'],
    ['2026-01-01T00:00:00Z', 'Asia/Kolkata', '2026-01-01 05:30:00 +0530'],
    ['2026-03-29T00:59:59Z', 'Europe/Berlin', '2026-03-29 01:59:59 +0100'],
    ['2026-03-29T01:00:00Z', 'Europe/Berlin', '2026-03-29 03:00:00 +0200'],
    ['2026-11-21T23:59:59Z', 'UTC', '2026-11-21 23:59:59 +0000'],
  ])('%s in %s', (iso, zone, text) => {
    expect(formatZoned(t(iso), zone)).toBe(text);
  });

  it('knows real zone names only', () => {
    expect(isKnownTimeZone('Asia/Seoul')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('the scan report', () => {
  it.each<[string, Partial<ReportInput>, string | undefined, string]>([
    ['bans and unbans', { newBans: [ban, { ...ban, ip: '198.51.100.1' }], unbans: [{ ip: '192.0.2.1', jail: 'sshd', reason: 'expired' }] }, 'web1', 'logban on web1: 2 IPs banned, 1 unbanned'],
    ['one ban, no host', { newBans: [ban] }, undefined, 'logban: 1 IP banned, 0 unbanned'],
    ['warnings', { notes: [{ level: 'warning', text: 'a' }, { level: 'info', text: 'b' }] }, 'web1', 'logban on web1: 0 IPs banned, 0 unbanned, 1 warning'],
    ['dry run', { dryRun: true, newBans: [ban] }, 'web1', 'logban on web1: 1 IP banned, 0 unbanned (dry run: nothing was changed)'],
    ['a host name with a control character', { newBans: [ban] }, 'web\u001b1', 'logban on web\\x1b1: 1 IP banned, 0 unbanned'],
  ])('subject: %s', (_name, input, host, subject) => {
    expect(reportSubject({ ...empty, ...input }, host)).toBe(subject);
  });

  it('news is a ban, an unban or a warning; info notes alone are quiet', () => {
    expect(hasNews({ ...empty, notes: [{ level: 'info', text: 'rotated' }] })).toBe(false);
    expect(hasNews({ ...empty, notes: [{ level: 'warning', text: 'unreadable' }] })).toBe(true);
    expect(hasNews({ ...empty, newBans: [ban] })).toBe(true);
  });

  it('renders each ban with local times, whois when on, and evidence', () => {
    const text = renderScanText({ ...empty, newBans: [ban], activeBans: 4, whois: {} }, undefined, false, { host: 'web1', timeZone: 'Asia/Tokyo' });
    expect(text).toBe([
      'logban on web1: 1 IP banned, 0 unbanned',
      '',
      'Banned (times in Asia/Tokyo):',
      '  203.0.113.9  jail sshd  3 failures',
      '    first seen  2026-11-21 18:40:00 +0900',
      '    last seen   2026-11-21 18:40:20 +0900',
      '    ban ends    2026-11-21 19:40:20 +0900',
      '    whois       unknown',
      '    evidence (last 2 of 3):',
      '      line one',
      '      line two',
      '',
      '4 bans active.',
      '',
    ].join('\n'));
  });

  it('renders a dry run of 200k bans line by line, the same text as renderScanText', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => ['iptables', '-w', '-A', 'logban-sshd', '-s', `198.51.100.${i % 256}`, '-j', 'DROP']);
    const input = { ...empty, dryRun: true, newBans: [ban], commands: many };
    const text = renderScanText(input);
    expect(text.split('\n').length).toBe(200_000 + 15);
    expect(text.endsWith('  iptables -w -A logban-sshd -s 198.51.100.63 -j DROP\n')).toBe(true);
    expect([...renderScanLines(input)].join('')).toBe(text);
  });

  it('--json keeps the DESIGN keys and adds whois only when lookups are on', () => {
    const off = scanJson({ ...empty, newBans: [ban] }) as { newBans: object[] };
    expect(Object.keys(off.newBans[0]!)).toEqual(['ip', 'jail', 'failures', 'firstSeen', 'lastSeen', 'expiresAt', 'evidence']);
    const info = { country: 'JP', netname: 'N', org: null, abuse: null };
    const on = scanJson({ ...empty, newBans: [ban], whois: { '203.0.113.9': info } }) as { newBans: { whois: unknown }[] };
    expect(on.newBans[0]!.whois).toEqual(info);
  });

  it.each<[string, string]>([
    ['plain text', 'plain text'],
    ['tab\tstays', 'tab\tstays'],
    ['esc \u001b[31mred', 'esc \\x1b[31mred'],
    ['cr\rover', 'cr\\x0dover'],
    ['bidi \u202eevil\u202c', 'bidi \\u202eevil\\u202c'],
    ['isolate \u2066x\u2069', 'isolate \\u2066x\\u2069'],
    ['c1 \u009b2J', 'c1 \\x9b2J'],
    ['nul \u0000', 'nul \\x00'],
    ['한국어 日本語', '한국어 日本語'],
  ])('printable(%j)', (line, shown) => {
    expect(printable(line)).toBe(shown);
  });

  it('a huge evidence line is cut, saying how much', () => {
    expect(printable('x'.repeat(2500))).toBe(`${'x'.repeat(2000)}... [500 more characters]`);
  });
});

import { describe, expect, it } from 'vitest';
import { compilePrefilter, forEachCandidateLine, matchLine } from '../../src/core/match.js';
import { compileMatcher } from '../../src/rules/compile.js';

const collect = (text: string, prefilter: string[] | null) => {
  const seen: string[] = [];
  forEachCandidateLine(text, compilePrefilter(prefilter), (line) => seen.push(line));
  return seen;
};

describe('forEachCandidateLine', () => {
  const text = 'a Failed x\nnothing\nInvalid user y Failed z\r\nplain\nlast Invalid user';
  it.each([
    [['Failed ', 'Invalid user '], ['a Failed x', 'Invalid user y Failed z']],
    [['Failed', 'Invalid user'], ['a Failed x', 'Invalid user y Failed z', 'last Invalid user']],
    [['Invalid user'], ['Invalid user y Failed z', 'last Invalid user']],
    [['absent'], []],
    [['user y', 'a.b'], ['Invalid user y Failed z']],
    [null, ['a Failed x', 'nothing', 'Invalid user y Failed z', 'plain', 'last Invalid user']],
  ])('prefilter %j visits each candidate line once, in order', (prefilter, expected) => {
    expect(collect(text, prefilter)).toEqual(expected);
  });
  it('hands over where each line starts, so callers can number lines', () => {
    const text = 'x\nFailed a\ny\nz Failed b\n';
    const seen: [string, number][] = [];
    forEachCandidateLine(text, compilePrefilter(['Failed']), (line, start) => seen.push([line, start]));
    expect(seen).toEqual([['Failed a', 2], ['z Failed b', 13]]);
    expect(seen.map(([, start]) => text.slice(0, start).split('\n').length)).toEqual([2, 4]);
  });
  it('handles a hit on the first and the last character', () => {
    expect(collect('Failed \n\nx Failed ', ['Failed '])).toEqual(['Failed ', 'x Failed ']);
  });
});

describe('matchLine', () => {
  const r = compileMatcher([], ['^<HOST> denied$'], ['^192\\.0\\.2\\.1 ']);
  const m = r.ok ? r.value : null;
  it.each([
    ['203.0.113.5 denied', { kind: 'match', ip: '203.0.113.5', pattern: 0, key: undefined }],
    ['2001:DB8::1 denied', { kind: 'match', ip: '2001:db8::1', pattern: 0, key: undefined }],
    ['192.0.2.1 denied', { kind: 'ignored' }],
    ['999.1.1.1 denied', { kind: 'miss' }],
    ['203.0.113.5 allowed', { kind: 'miss' }],
  ])('%s', (line, expected) => expect(matchLine(line, m!)).toEqual(expected));
});

describe('an ignoreregex with <HOST>', () => {
  // As in fail2ban: <HOST> stands for an address there too (README: "from <HOST> \(monitoring\)$").
  const r = compileMatcher([], ['login failed .* from <HOST>'], ['from <HOST> \\(monitoring\\)$']);
  const m = r.ok ? r.value : null;
  it.each([
    ['login failed for x from 198.51.100.7 (monitoring)', { kind: 'ignored' }],
    ['login failed for x from 2001:db8::7 (monitoring)', { kind: 'ignored' }],
    ['login failed for x from 198.51.100.7', { kind: 'match', ip: '198.51.100.7', pattern: 0, key: undefined }],
    ['login failed for x from nowhere (monitoring) from 198.51.100.8', { kind: 'match', ip: '198.51.100.8', pattern: 0, key: undefined }],
  ])('%s', (line, expected) => expect(matchLine(line, m!)).toEqual(expected));
});

describe('matchLine roles and keys', () => {
  const rule = {
    name: 't', description: '', prefilter: ['x'], prefix: '^p\\[(?<key>\\d+)\\]: ',
    failregex: ['bad <HOST>$', { pattern: 'maybe <HOST>$', role: 'companion' as const }],
    successregex: ['good <HOST>$'], ignoreregex: [], logpath: [], port: [],
  };
  const r = compileMatcher([rule], [], []);
  const m = r.ok ? r.value : null;
  it.each([
    ['p[7]: bad 203.0.113.5', { kind: 'match', ip: '203.0.113.5', pattern: 0, key: '7' }],
    ['p[8]: maybe 203.0.113.5', { kind: 'companion', ip: '203.0.113.5', pattern: 1, key: '8' }],
    ['p[9]: good 192.0.2.1', { kind: 'success', ip: '192.0.2.1', pattern: 2, key: '9' }],
    ['p[9]: good host.example', { kind: 'miss' }],
  ])('%s', (line, expected) => expect(matchLine(line, m!, true)).toEqual(expected));
});

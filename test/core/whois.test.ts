import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWhois, parseWhois, UNKNOWN_WHOIS, type WhoisInfo } from '../../src/core/whois-parse.js';
import { cachedWhois, isWhoisCache, updateWhoisCache, WHOIS_CACHE_SECONDS } from '../../src/core/whois-cache.js';
import { parseState } from '../../src/core/state.js';
import { ROOT } from '../helpers/cli.js';

const sample = (name: string) => readFileSync(join(ROOT, 'fixtures/whois', name), 'utf8');

describe('whois answers from each registry', () => {
  it.each<[string, WhoisInfo]>([
    ['ripe.txt', { country: 'NL', netname: 'EXAMPLE-HOSTING-NL', org: 'Example Hosting B.V.', abuse: 'abuse@example.nl' }],
    ['arin.txt', { country: 'US', netname: 'EXAMPLE-CLOUD-1', org: 'Example Cloud Inc.', abuse: 'abuse@example-cloud.com' }],
    ['arin-reassigned.txt', { country: 'CA', netname: 'CUST-EXAMPLE-VPS', org: 'Example VPS LLC', abuse: 'abuse@bigisp.example' }],
    ['arin-referral-ripe.txt', { country: 'DE', netname: 'EXAMPLE-DE-SERVERS', org: 'Example GmbH', abuse: 'abuse@example.de' }],
    ['apnic.txt', { country: 'CN', netname: 'EXAMPLENET-JS', org: 'Example Telecom Jiangsu province network', abuse: 'anti-spam@example.cn' }],
    ['krnic.txt', { country: 'KR', netname: 'EXAMPLENET', org: 'Example Telecom Co., Ltd.', abuse: null }],
    ['jpnic.txt', { country: 'JP', netname: 'EXAMPLE-JP-NET', org: 'Example K.K.', abuse: null }],
    ['lacnic.txt', { country: 'BR', netname: null, org: 'Example Telecomunicacoes Ltda', abuse: null }],
  ])('%s', (file, expected) => {
    expect(parseWhois(sample(file))).toEqual(expected);
  });

  it.each<[string, string]>([
    ['', 'unknown'],
    ['% no entries found\n', 'unknown'],
    ['getaddrinfo(whois.arin.net): Name or service not known\n', 'unknown'],
  ])('an empty or failed answer is unknown: %j', (text, line) => {
    expect(parseWhois(text)).toEqual(UNKNOWN_WHOIS);
    expect(describeWhois(parseWhois(text))).toBe(line);
  });

  it('describes an answer in one line', () => {
    expect(describeWhois(parseWhois(sample('ripe.txt')))).toBe('NL, EXAMPLE-HOSTING-NL (Example Hosting B.V.)');
    expect(describeWhois(parseWhois(sample('lacnic.txt')))).toBe('BR, Example Telecomunicacoes Ltda');
    expect(describeWhois(undefined)).toBe('unknown');
  });
});

describe('whois answers are hostile text', () => {
  it.each<[string, string, Partial<WhoisInfo>]>([
    ['terminal escapes', 'netname:  EVIL\u001b[2J\u001b[31mNET\u001b[0m\ncountry:  N\u001bL\n', { netname: 'EVILNET', country: 'NL' }],
    ['a window-title sequence', 'netname:  \u001b]0;owned\u0007OK-NET\u001b]2;x\u001b\\\n', { netname: 'OK-NET' }],
    ['bidi override', 'netname:  \u202eTEN-LIVE\u202c\ndescr:    safe\u2066name\u2069\n', { netname: 'TEN-LIVE', org: 'safename' }],
    ['carriage return hiding a value', 'netname:  GOOD-NET\rnetname:  FORGED\n', { netname: 'FORGED' }],
    ['C1 controls and NUL', 'netname:  A\u0085B\u009bC\u0000D\u0007\ncountry: us\n', { netname: 'ABCD', country: 'US' }],
    ['a country that is not a code', 'netname: X\ncountry: Netherlands \u001b[1m\n', { country: null }],
    ['a forged abuse address', "netname: X\nabuse-mailbox: 'a@b.example' <evil>\n", { abuse: null }],
  ])('%s', (_name, text, expected) => {
    const info = parseWhois(text);
    expect(info).toMatchObject(expected);
    for (const v of Object.values(info)) if (v !== null) expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('caps long values and reads only the start of a huge answer', () => {
    const info = parseWhois(`netname: ${'N'.repeat(5000)}\ndescr: ${'d '.repeat(3000)}\n`);
    expect(info.netname).toHaveLength(80);
    expect(info.org!.length).toBeLessThanOrEqual(80);
    const late = parseWhois(`${'% filler\n'.repeat(20000)}netname: LATE\n`);
    expect(late.netname).toBeNull();
  });
});

describe('whois cache in the state', () => {
  const info: WhoisInfo = { country: 'NL', netname: 'N', org: null, abuse: null };
  const now = 1_800_000_000;

  it('serves fresh answers and drops stale ones', () => {
    const cache = updateWhoisCache(undefined, new Map([['192.0.2.1', info]]), now);
    expect(cachedWhois(cache, '192.0.2.1', now + 60)).toEqual(info);
    expect(cachedWhois(cache, '192.0.2.1', now + WHOIS_CACHE_SECONDS)).toBeUndefined();
    const later = updateWhoisCache(cache, new Map([['192.0.2.2', info]]), now + WHOIS_CACHE_SECONDS);
    expect(Object.keys(later)).toEqual(['192.0.2.2']);
  });

  it('keeps the newest entries when it grows too large', () => {
    const many = new Map(Array.from({ length: 2100 }, (_, i) => [`2001:db8::${i.toString(16)}`, info] as [string, WhoisInfo]));
    const cache = updateWhoisCache(updateWhoisCache(undefined, many, now), new Map([['192.0.2.9', info]]), now + 1);
    expect(Object.keys(cache)).toHaveLength(2000);
    expect(cache['192.0.2.9']).toBeDefined();
  });

  it('state files without the field still load; a damaged field is refused', () => {
    const base = { version: 1, files: {}, windows: {}, bans: [] };
    expect(parseState(JSON.stringify(base)).ok).toBe(true);
    const good = { ...base, whois: { '192.0.2.1': { ...info, at: now } } };
    expect(parseState(JSON.stringify(good)).ok).toBe(true);
    for (const whois of [[], { 'not-an-ip': { ...info, at: now } }, { '192.0.2.1': { ...info, country: 5, at: now } }, { '192.0.2.1': { ...info } }]) {
      expect(isWhoisCache(whois)).toBe(false);
      const r = parseState(JSON.stringify({ ...base, whois }));
      expect(r.ok ? 'ok' : r.error.message).toBe('"whois" is damaged');
    }
  });
});

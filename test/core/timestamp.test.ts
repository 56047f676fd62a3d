import { describe, expect, it } from 'vitest';
import { createDateReader, parseIsoInstant, toIso } from '../../src/core/timestamp.js';

process.env['TZ'] = 'UTC';
const at = (iso: string) => parseIsoInstant(iso)!;
const read = (line: string, now: string) => {
  const r = createDateReader(at(now)).read(line);
  return r ? toIso(r.time) : null;
};

// The suite runs with TZ=UTC (see package.json); local-time formats are read in that zone.
describe('timestamps from log lines', () => {
  it.each([
    ['Feb  7 18:46:47 host sshd[1]: x', '2026-11-21T12:00:00Z', '2026-02-07T18:46:47Z'],
    ['Dec 31 23:59:58 host sshd[1]: x', '2027-01-01T00:01:00Z', '2026-12-31T23:59:58Z'],
    ['Jan  1 00:00:10 host sshd[1]: x', '2027-01-01T00:01:00Z', '2027-01-01T00:00:10Z'],
    ['Nov 22 10:00:00 host sshd[1]: x', '2026-11-21T10:00:00Z', '2026-11-22T10:00:00Z'],
    ['Nov 25 10:00:00 host sshd[1]: x', '2026-11-21T10:00:00Z', '2025-11-25T10:00:00Z'],
    ['Sep 12 16:01:44.123456 parrot sshd[5539]: x', '2026-11-21T12:00:00Z', '2026-09-12T16:01:44Z'],
    ['2016-02-07T18:46:47.070457Z 519468 [Note] Access denied', '2026-11-21T12:00:00Z', '2016-02-07T18:46:47Z'],
    ['2026-11-20T08:15:02.123456+01:00 host sshd[1]: x', '2026-11-21T12:00:00Z', '2026-11-20T07:15:02Z'],
    ['2026-11-20T08:15:02-0500 host sshd[1]: x', '2026-11-21T12:00:00Z', '2026-11-20T13:15:02Z'],
    ['2015-10-07 06:09:42 1234 [Warning] Access denied', '2026-11-21T12:00:00Z', '2015-10-07T06:09:42Z'],
    ['130324  8:24:09 [Warning] Access denied', '2026-11-21T12:00:00Z', '2013-03-24T08:24:09Z'],
    ['130324 18:24:09 [Warning] Access denied', '2026-11-21T12:00:00Z', '2013-03-24T18:24:09Z'],
    ['no date here', '2026-11-21T12:00:00Z', null],
    ['Foo  7 18:46:47 host', '2026-11-21T12:00:00Z', null],
  ])('%s (now %s) -> %s', (line, now, expected) => {
    expect(read(line, now)).toBe(expected);
  });

  it('keeps working when formats alternate (last template first, others still tried)', () => {
    const r = createDateReader(at('2026-11-21T12:00:00Z'));
    expect(toIso(r.read('130324  8:24:09 [Warning] x')!.time)).toBe('2013-03-24T08:24:09Z');
    expect(toIso(r.read('Feb  7 18:46:47 host x')!.time)).toBe('2026-02-07T18:46:47Z');
    expect(toIso(r.read('2016-02-07T18:46:47Z x')!.time)).toBe('2016-02-07T18:46:47Z');
  });
});

describe('one reader over many lines of the same minute', () => {
  it('gives each line its own second, and notices a year written after the time', () => {
    const r = createDateReader(at('2026-11-21T12:00:00Z'));
    const times = [
      'Nov 21 09:41:02 web1 sshd[1]: a',
      'Nov 21 09:41:59 web1 sshd[1]: b',
      'Nov 21 09:41:07.250 web1 sshd[1]: c',
      'Nov 21 09:41:08 2019 web1 sshd[1]: d',
      'Nov 21 09:41:0x web1 sshd[1]: e',
      'Nov 21 09:42:00 web1 sshd[1]: f',
      'Nov 23 11:59:59 web1 sshd[1]: g',
      'Nov 23 12:00:01 web1 sshd[1]: h',
    ].map((line) => { const t = r.read(line); return t ? toIso(t.time) : null; });
    expect(times).toEqual([
      '2026-11-21T09:41:02Z', '2026-11-21T09:41:59Z', '2026-11-21T09:41:07Z', '2019-11-21T09:41:08Z', null,
      '2026-11-21T09:42:00Z', '2026-11-23T11:59:59Z', '2025-11-23T12:00:01Z',
    ]);
  });
});

describe('parseIsoInstant', () => {
  it('reads zoned and bare times', () => {
    expect(toIso(at('2026-11-21T10:00:00Z'))).toBe('2026-11-21T10:00:00Z');
    expect(toIso(at('2026-11-21T10:00:00+02:00'))).toBe('2026-11-21T08:00:00Z');
    expect(toIso(at('2026-11-21T10:00:00'))).toBe('2026-11-21T10:00:00Z');
    expect(parseIsoInstant('yesterday')).toBeNull();
  });
});

describe('local time honours TZ', () => {
  it('reads zone-less MySQL and syslog times in the TZ zone', () => {
    process.env['TZ'] = 'Asia/Seoul';
    try {
      expect(read('2015-10-07 06:09:42 1234 [Warning] x', '2026-11-21T12:00:00Z')).toBe('2015-10-06T21:09:42Z');
      expect(read('Feb  7 18:46:47 host sshd[1]: x', '2026-11-21T12:00:00Z')).toBe('2026-02-07T09:46:47Z');
      expect(read('2016-02-07T18:46:47.070457Z 1 [Note] x', '2026-11-21T12:00:00Z')).toBe('2016-02-07T18:46:47Z');
    } finally {
      process.env['TZ'] = 'UTC';
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createDateReader, DATE_PATTERNS, parseIsoInstant, resolveDatePatterns, toIso, type DateReaderOptions } from '../../src/core/timestamp.js';

process.env['TZ'] = 'UTC';
const at = (iso: string) => parseIsoInstant(iso)!;
const read = (line: string, now: string, options?: DateReaderOptions) => {
  const r = createDateReader(at(now), options).read(line);
  return r ? toIso(r.time) : null;
};
const NOW = '2026-11-21T12:00:00Z';
// One reader over `lines` in order, as a log file is read.
const readAll = (lines: string[]) => {
  const r = createDateReader(at(NOW));
  return lines.map((line) => { const t = r.read(line); return t ? toIso(t.time) : null; });
};
// Runs `check` with the process in another time zone, then back to UTC.
const inZone = (tz: string, check: () => void) => {
  process.env['TZ'] = tz;
  try {
    check();
  } finally {
    process.env['TZ'] = 'UTC';
  }
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
    ['<34>1 2026-11-21T10:00:00.003Z host app - - - msg', NOW, '2026-11-21T10:00:00Z'],
    ['2026-11-21T10:00:00+0900 host sshd[1]: x', NOW, '2026-11-21T01:00:00Z'],
    ['[2026-11-21 10:00:00.123456] [core:error] [pid 1] x', NOW, '2026-11-21T10:00:00Z'],
    ['Nov 21 10:00:00 2025 host sshd[1]: x', NOW, '2025-11-21T10:00:00Z'],
    ['2026/11/21 10:00:00 [error] 1234#1234: *5 user "x": password mismatch, client: 192.0.2.1', NOW, '2026-11-21T10:00:00Z'],
    ['2026/02/29 10:00:00 [error] 1#1: x', NOW, null],
    ['[Sat Nov 21 10:00:00 2026] [error] [client 192.0.2.1] x', NOW, '2026-11-21T10:00:00Z'],
    ['[Sat Nov 21 10:00:00.123456 2026] [auth_basic:error] [pid 123:tid 456] [client 192.0.2.1:5555] x', NOW, '2026-11-21T10:00:00Z'],
    ['[Thu May 04 23:55:46.108241 2017] [:error] [pid 8114] [client 64.79.85.205:32969] x', NOW, '2017-05-04T23:55:46Z'],
    ['Sat Nov 21 10:00:00 2026 [pid 2] [ftp] FAIL LOGIN: Client "192.0.2.1"', NOW, '2026-11-21T10:00:00Z'],
    ['Sun Nov  1 09:05:03 2026 [pid 2] CONNECT: Client "192.0.2.1"', NOW, '2026-11-01T09:05:03Z'],
    ['Sat Nov 21 10:00:00 2026', NOW, '2026-11-21T10:00:00Z'],
    ['192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"', NOW, '2026-11-21T10:00:00Z'],
    ['192.0.2.1 - - [28/Nov/2016:07:30:23 +0900] "GET / HTTP/1.1" 200 1125', NOW, '2016-11-27T22:30:23Z'],
    ['2001:db8::7 - - [21/Nov/2026:10:00:00 -0530] "GET / HTTP/2.0" 404 0', NOW, '2026-11-21T15:30:00Z'],
    ['www.example.com:443 192.0.2.1 - - [21/Nov/2026:10:00:00 +0100] "GET / HTTP/1.1" 200 5', NOW, '2026-11-21T09:00:00Z'],
    ['192.0.2.1 - a[b [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 401 5', NOW, '2026-11-21T10:00:00Z'],
    ['192.0.2.1 - - [21/Nov/2026:10:00:00] "GET / HTTP/1.1" 200 5', NOW, '2026-11-21T10:00:00Z'],
    ['192.0.2.1 - - [31/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5', NOW, null],
    ['192.0.2.1 - - [21/Vov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5', NOW, null],
    ['Sat Vov 21 10:00:00 2026 [pid 2]', NOW, null],
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
    const times = readAll([
      'Nov 21 09:41:02 web1 sshd[1]: a',
      'Nov 21 09:41:59 web1 sshd[1]: b',
      'Nov 21 09:41:07.250 web1 sshd[1]: c',
      'Nov 21 09:41:08 2019 web1 sshd[1]: d',
      'Nov 21 09:41:0x web1 sshd[1]: e',
      'Nov 21 09:42:00 web1 sshd[1]: f',
      'Nov 23 11:59:59 web1 sshd[1]: g',
      'Nov 23 12:00:01 web1 sshd[1]: h',
    ]);
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
    inZone('Asia/Seoul', () => {
      expect(read('2015-10-07 06:09:42 1234 [Warning] x', '2026-11-21T12:00:00Z')).toBe('2015-10-06T21:09:42Z');
      expect(read('Feb  7 18:46:47 host sshd[1]: x', '2026-11-21T12:00:00Z')).toBe('2026-02-07T09:46:47Z');
      expect(read('2016-02-07T18:46:47.070457Z 1 [Note] x', '2026-11-21T12:00:00Z')).toBe('2016-02-07T18:46:47Z');
    });
  });
});

describe('web and ctime formats in local time', () => {
  it('reads nginx error, Apache error and vsftpd times in the TZ zone; access-log offsets need no zone', () => {
    inZone('Asia/Seoul', () => {
      expect(read('2026/11/21 10:00:00 [error] 1#1: *1 x', NOW)).toBe('2026-11-21T01:00:00Z');
      expect(read('[Sat Nov 21 10:00:00 2026] [error] [client 192.0.2.1] x', NOW)).toBe('2026-11-21T01:00:00Z');
      expect(read('[Sat Nov 21 10:00:00.5 2026] [core:error] [pid 1] x', NOW)).toBe('2026-11-21T01:00:00Z');
      expect(read('Sat Nov 21 10:00:00 2026 [pid 2] CONNECT: Client "192.0.2.1"', NOW)).toBe('2026-11-21T01:00:00Z');
      expect(read('192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5', NOW)).toBe('2026-11-21T10:00:00Z');
      expect(read('192.0.2.1 - - [21/Nov/2026:10:00:00] "GET / HTTP/1.1" 200 5', NOW)).toBe('2026-11-21T01:00:00Z');
    });
  });

  it('follows daylight saving time per line (America/New_York)', () => {
    inZone('America/New_York', () => {
      expect(read('2026/01/15 12:00:00 [error] 1#1: x', NOW)).toBe('2026-01-15T17:00:00Z');
      expect(read('2026/07/15 12:00:00 [error] 1#1: x', NOW)).toBe('2026-07-15T16:00:00Z');
      expect(read('[Wed Jul 15 12:00:00 2026] [error] x', NOW)).toBe('2026-07-15T16:00:00Z');
    });
  });

  it('gives 29 February to the last leap year when the current year has none', () => {
    expect(read('Feb 29 10:00:00 host sshd[1]: x', '2029-03-01T00:00:00Z')).toBe('2028-02-29T10:00:00Z');
    expect(read('Feb 29 10:00:00 host sshd[1]: x', '2028-03-01T00:00:00Z')).toBe('2028-02-29T10:00:00Z');
  });
});

describe('datepattern: naming the formats a log uses', () => {
  const access = '192.0.2.1 - - [21/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5';
  it('tries only the named formats', () => {
    expect(read(access, NOW, { pattern: 'access-log' })).toBe('2026-11-21T10:00:00Z');
    expect(read('Nov 21 10:00:00 host sshd[1]: x', NOW, { pattern: 'access-log' })).toBeNull();
    expect(read('Nov 21 10:00:00 host sshd[1]: x', NOW, { pattern: ['nginx-error', 'syslog'] })).toBe('2026-11-21T10:00:00Z');
    expect(read('2026-11-21T10:00:00Z host x', NOW, { pattern: ['syslog'] })).toBeNull();
  });

  it('reports which format matched, by name and by index in DATE_PATTERNS', () => {
    const r = createDateReader(at(NOW));
    expect(r.read(access)).toMatchObject({ pattern: 'access-log', template: DATE_PATTERNS.indexOf('access-log') });
    expect(r.read('2026/11/21 10:00:00 [error] 1#1: x')).toMatchObject({ pattern: 'nginx-error' });
    expect(r.read('Sat Nov 21 10:00:00 2026 [pid 2] x')).toMatchObject({ pattern: 'ctime' });
    expect(r.read(access)).toMatchObject({ pattern: 'access-log' });
    expect(r.read('Nov 21 10:00:00 host x')).toMatchObject({ pattern: 'syslog', template: 1 });
  });

  it('lists the format names and resolves the names users know them by', () => {
    expect(DATE_PATTERNS).toEqual(['iso8601', 'syslog', 'mysql55', 'nginx-error', 'ctime', 'access-log']);
    expect(resolveDatePatterns(['nginx-access', 'apache-error', 'rfc5424', 'clf', 'syslog'])).toEqual({ ok: true, value: ['access-log', 'ctime', 'iso8601', 'syslog'] });
    const bad = resolveDatePatterns(['%Y-%m-%d']);
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/unknown datepattern "%Y-%m-%d" \(known: iso8601, syslog, .*nginx-access/);
  });
});

describe('one reader over many access-log lines', () => {
  it('reuses the minute while the zone is the same, and reads zone changes and odd lines in full', () => {
    const times = readAll([
      '192.0.2.1 - - [21/Nov/2026:10:05:03 +0000] "GET / HTTP/1.1" 200 5',
      '192.0.2.2 - - [21/Nov/2026:10:05:59 +0000] "GET / HTTP/1.1" 200 5',
      '192.0.2.3 - - [21/Nov/2026:10:05:59 +0900] "GET / HTTP/1.1" 200 5',
      '192.0.2.4 - - [21/Nov/2026:10:05:07] "GET / HTTP/1.1" 200 5',
      '192.0.2.5 - - [21/Nov/2026:10:05:99 +0000] "GET / HTTP/1.1" 200 5',
      '192.0.2.6 - a[b [21/Nov/2026:10:05:10 +0000] "GET / HTTP/1.1" 401 5',
      '192.0.2.7 - a[b [21/Nov/2026:10:05:11 +0000] "GET / HTTP/1.1" 401 5',
      '192.0.2.8 - - [21/Nov/2026:10:05:1x +0000] "GET / HTTP/1.1" 200 5',
      '192.0.2.9 - - [21/Nov/2026:10:06:00 +0000] "GET / HTTP/1.1" 200 5',
    ]);
    expect(times).toEqual([
      '2026-11-21T10:05:03Z', '2026-11-21T10:05:59Z', '2026-11-21T01:05:59Z', '2026-11-21T10:05:07Z', null,
      '2026-11-21T10:05:10Z', '2026-11-21T10:05:11Z', null, '2026-11-21T10:06:00Z',
    ]);
  });
});

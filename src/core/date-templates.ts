// The date formats logban reads, one function per format. Each looks at one line and returns epoch
// seconds, or null when the line is not in its format. Times without a zone are local (TZ).

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
// A yearless date later than this past `now` belongs to the previous year (December lines read in January).
const FUTURE_SLACK_SECONDS = 2 * 86400;

type Local = (y: number, mo: number, d: number, h: number, mi: number, s: number) => number;
type MinuteMemo = { prefix: string; base: number; previousYearBase: number };
type AccessMemo = { prefix: string; tail: string; base: number };
export type TemplateContext = {
  readonly now: number; readonly year: number; readonly local: Local;
  readonly minute: MinuteMemo; readonly accessMinute: AccessMemo;
};
export type Template = (line: string, ctx: TemplateContext) => number | null;

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Rejects dates a log cannot hold (31 Nov, 29 Feb 2026) instead of letting Date roll them over.
function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo > 11 || d < 1 || d > MONTH_DAYS[mo]! || h > 23 || mi > 59 || s > 60) return false;
  return mo !== 1 || d < 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0));
}

// Local-time conversion is the costly part; zone offsets change on hour boundaries, so each
// reader computes the start of a local hour once and adds minutes and seconds to it.
function createLocal(): Local {
  const hourStarts = new Map<number, number>();
  return (y, mo, d, h, mi, s) => {
    if (!validDate(y, mo, d, h, mi, s)) return NaN;
    const key = ((y * 12 + mo) * 32 + d) * 24 + h;
    let start = hourStarts.get(key);
    if (start === undefined) {
      if (hourStarts.size > 50_000) hourStarts.clear();
      start = Math.floor(new Date(y, mo, d, h, 0, 0).getTime() / 1000);
      hourStarts.set(key, start);
    }
    return start + mi * 60 + s;
  };
}

// One reader's working memory: the local-hour cache and the syslog minute memo.
export function createTemplateContext(now: number): TemplateContext {
  return {
    now, year: new Date(now * 1000).getFullYear(), local: createLocal(),
    minute: { prefix: '', base: 0, previousYearBase: 0 }, accessMinute: { prefix: '', tail: '', base: 0 },
  };
}

function zoned(local: Local, y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string | undefined): number {
  if (zone === undefined) return local(y, mo, d, h, mi, s);
  if (!validDate(y, mo, d, h, mi, s)) return NaN;
  const base = Date.UTC(y, mo, d, h, mi, s) / 1000;
  if (zone === 'Z' || zone === 'z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return base - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

// ISO 8601 / RFC 3339, RFC 5424 (`<34>1 2026-...`), rsyslog's ForwardFormat (`<34>2026-...`), journald
// short-iso and short-full (`Sat 2026-11-21 10:00:00 CET`: the zone named is the host's, so local
// unless UTC), MySQL 5.6+, Apache's `%{cu}t` (`[2026-11-21 10:00:00.123456]`), and svlogd -tt/-ttt.
const ISO = /^(?:<\d{1,3}>(?:1 )?|\[|[A-Z][a-z]{2} )?(\d{4})-(\d\d)-(\d\d)([T_]| {1,2})(\d{1,2}):(\d\d):(\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d| UTC(?= ))?(?![\d:])/i;
// journald short-unix (`1763719200.123456 host ...`) and TAI64N (multilog, svlogd -t): UTC by nature.
const EPOCH = /^(\d{9,10})\.\d{6} /;
const TAI64N = /^@4000000([0-9a-f]{9})[0-9a-f]{8} /;
// socklog writes `auth.info: ` (inet: `192.0.2.5: auth.info: `) before the datagram's own stamp.
const SYSLOG = /^((?:<\d{1,3}>|(?:(?:\d{1,3}\.){3}\d{1,3}: )?[a-z0-9]+\.[a-z]+: )?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):)(\d\d)(?:\.\d+)?(?: (\d{4})(?= ))?/;
const MYSQL55 = /^(\d\d)(\d\d)(\d\d) {1,2}(\d{1,2}):(\d\d):(\d\d)(?!\d)/;
// nginx error log: `2026/11/21 10:00:00 [error] ...`, local time.
const NGINX_ERROR = /^(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)(?![\d:])/;
// ctime: Apache 2.2 `[Sat Nov 21 10:00:00 2026]`, 2.4 `[Sat Nov 21 10:00:00.123456 2026]`, vsftpd
// `Sat Nov 21 10:00:00 2026 [pid 2]` and C's ctime() with a space-padded day; local time.
const CTIME = /^\[?[A-Z][a-z]{2} ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4})(?=[\] ]|$)/;
// Common/combined access log (nginx, Apache): `[21/Nov/2026:10:00:00 +0000]`, after host, ident, user.
const CLF_AT = /\[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?: ([+-]\d{4}))?\]/y;
const CLF_ANYWHERE = / \[(\d\d)\/([A-Z][a-z]{2})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?: ([+-]\d{4}))?\]/;

// svlogd writes UTC cut to 25 characters (`2026-11-21_10:00:00.12345`, with `_` or `T`): five
// fraction digits and no zone is its stamp. TAI64N counts from 2^62 plus TAI's 10 s lead (daemontools' rule).
export const iso: Template = (line, ctx) => {
  const m = ISO.exec(line);
  if (!m) return machineStamp(line);
  const svlogd = m[9] === undefined && (m[4] === '_' || (m[4] !== ' ' && m[8]?.length === 5));
  const zone = m[9]?.startsWith(' ') || svlogd ? 'Z' : m[9]; // ' UTC' is the only zone written after a space
  return zoned(ctx.local, +m[1]!, +m[2]! - 1, +m[3]!, +m[5]!, +m[6]!, +m[7]!, zone);
};

function machineStamp(line: string): number | null {
  const c = line.charCodeAt(0);
  if (c === 64) {
    const t = TAI64N.exec(line);
    return t ? parseInt(t[1]!, 16) - 10 : null;
  }
  if (!isDigit(c)) return null;
  const e = EPOCH.exec(line);
  return e ? +e[1]! : null;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

// Busy logs have many lines per minute: the minute's start is remembered with its text, so most
// lines cost a startsWith and two digits. A year after the seconds takes the full path.
function fromMinuteMemo(line: string, memo: MinuteMemo, now: number): number | null {
  const p = memo.prefix.length;
  if (p === 0 || !line.startsWith(memo.prefix)) return null;
  const a = line.charCodeAt(p);
  const b = line.charCodeAt(p + 1);
  if (!isDigit(a) || !isDigit(b) || isDigit(line.charCodeAt(p + 2))) return null;
  if (line.charCodeAt(p + 2) === 32 && isDigit(line.charCodeAt(p + 3)) && isDigit(line.charCodeAt(p + 6)) && line.charCodeAt(p + 7) === 32) return null;
  return pickYear(memo, (a - 48) * 10 + (b - 48), now);
}

// This year's date, unless it lies in the future (or does not exist, 29 Feb): then last year's.
function pickYear(memo: MinuteMemo, sec: number, now: number): number {
  return memo.base + sec <= now + FUTURE_SLACK_SECONDS ? memo.base + sec : memo.previousYearBase + sec;
}

export const syslog: Template = (line, { now, year, local, minute }) => {
  const fast = fromMinuteMemo(line, minute, now);
  if (fast !== null) return fast;
  const m = SYSLOG.exec(line);
  const month = m ? MONTHS[m[2]!] : undefined;
  if (!m || month === undefined) return null;
  const [d, h, mi, s] = [+m[3]!, +m[4]!, +m[5]!, +m[6]!];
  if (m[7]) return local(+m[7], month, d, h, mi, s);
  minute.prefix = m[1]!;
  minute.base = local(year, month, d, h, mi, 0);
  minute.previousYearBase = local(year - 1, month, d, h, mi, 0);
  return pickYear(minute, s, now);
};

export const mysql55: Template = (line, { local }) => {
  const m = MYSQL55.exec(line);
  if (!m) return null;
  return local(2000 + +m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

export const nginxError: Template = (line, { local }) => {
  const m = NGINX_ERROR.exec(line);
  if (!m) return null;
  return local(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

export const ctime: Template = (line, { local }) => {
  const m = CTIME.exec(line);
  const month = m ? MONTHS[m[1]!] : undefined;
  if (!m || month === undefined) return null;
  return local(+m[6]!, month, +m[2]!, +m[3]!, +m[4]!, +m[5]!);
};

// The date sits after the host and two more fields, so the first '[' is tried at once (a line
// whose user field holds a '[' falls back to a search for ' [dd/Mon/yyyy:'). Busy access logs
// repeat a minute many times: its start is remembered with its text, like syslog's.
export const accessLog: Template = (line, ctx) => {
  const at = line.indexOf('[');
  if (at < 0) return null;
  const memo = ctx.accessMinute;
  if (memo.prefix !== '' && line.startsWith(memo.prefix, at) && line.charCodeAt(at + 18) === 58 && line.startsWith(memo.tail, at + 21)) {
    const a = line.charCodeAt(at + 19);
    const b = line.charCodeAt(at + 20);
    const sec = (a - 48) * 10 + (b - 48);
    if (isDigit(a) && isDigit(b) && sec <= 60) return memo.base + sec;
  }
  CLF_AT.lastIndex = at;
  let m = CLF_AT.exec(line);
  let start = at;
  if (!m) {
    m = CLF_ANYWHERE.exec(line);
    start = m ? m.index + 1 : at;
  }
  const month = m ? MONTHS[m[2]!] : undefined;
  if (!m || month === undefined || +m[6]! > 60) return null;
  const base = zoned(ctx.local, +m[3]!, month, +m[1]!, +m[4]!, +m[5]!, 0, m[7]);
  if (!Number.isFinite(base)) return null;
  memo.prefix = line.slice(start, start + 18);
  memo.tail = m[7] === undefined ? ']' : ` ${m[7]}]`;
  memo.base = base;
  return base + +m[6]!;
};

// Timestamps come from the log line, never from the clock. Times are epoch seconds.

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
// A yearless date later than this past `now` belongs to the previous year (December lines read in January).
const FUTURE_SLACK_SECONDS = 2 * 86400;


type Local = (y: number, mo: number, d: number, h: number, mi: number, s: number) => number;
type MinuteMemo = { prefix: string; base: number; previousYearBase: number };
type Ctx = { readonly now: number; readonly year: number; readonly local: Local; readonly minute: MinuteMemo };
type Template = (line: string, ctx: Ctx) => number | null;

// Local-time conversion is the costly part; zone offsets change on hour boundaries, so each
// reader computes the start of a local hour once and adds minutes and seconds to it.
function createLocal(): Local {
  const hourStarts = new Map<number, number>();
  return (y, mo, d, h, mi, s) => {
    if (mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return NaN;
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

function zoned(local: Local, y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string | undefined): number {
  if (zone === undefined) return local(y, mo, d, h, mi, s);
  const base = Date.UTC(y, mo, d, h, mi, s) / 1000;
  if (zone === 'Z' || zone === 'z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return base - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

const ISO = /^(?:<\d{1,3}>1 )?(\d{4})-(\d\d)-(\d\d)(?:T| {1,2})(\d{1,2}):(\d\d):(\d\d)(?:[.,]\d+)?(Z|[+-]\d\d:?\d\d)?(?![\d:])/i;
const SYSLOG = /^((?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):)(\d\d)(?:\.\d+)?(?: (\d{4})(?= ))?/;
const MYSQL55 = /^(\d\d)(\d\d)(\d\d) {1,2}(\d{1,2}):(\d\d):(\d\d)(?!\d)/;

const iso: Template = (line, ctx) => {
  const m = ISO.exec(line);
  if (!m) return null;
  return zoned(ctx.local, +m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7]);
};

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
  const sec = (a - 48) * 10 + (b - 48);
  return memo.base + sec > now + FUTURE_SLACK_SECONDS ? memo.previousYearBase + sec : memo.base + sec;
}

const syslog: Template = (line, { now, year, local, minute }) => {
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
  return minute.base + s > now + FUTURE_SLACK_SECONDS ? minute.previousYearBase + s : minute.base + s;
};

const mysql55: Template = (line, { local }) => {
  const m = MYSQL55.exec(line);
  if (!m) return null;
  return local(2000 + +m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

const TEMPLATES: readonly Template[] = [iso, syslog, mysql55];

// Tries the date templates in order, the one that matched last time first (logs keep one format).
export type DateReader = { readonly read: (line: string) => { time: number; template: number } | null };

export function createDateReader(now: number): DateReader {
  let last = 0;
  const ctx: Ctx = { now, year: new Date(now * 1000).getFullYear(), local: createLocal(), minute: { prefix: '', base: 0, previousYearBase: 0 } };
  return {
    read(line) {
      const first = TEMPLATES[last]!(line, ctx);
      if (first !== null && Number.isFinite(first)) return { time: first, template: last };
      for (let i = 0; i < TEMPLATES.length; i++) {
        if (i === last) continue;
        const time = TEMPLATES[i]!(line, ctx);
        if (time !== null && Number.isFinite(time)) { last = i; return { time, template: i }; }
      }
      return null;
    },
  };
}

export function toIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// `--now` and state times: ISO 8601 with a zone, or a bare date-time read as UTC.
export function parseIsoInstant(text: string): number | null {
  const withZone = /(Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

// Timestamps come from the log line, never from the clock. Times are epoch seconds.

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};
// A yearless date later than this past `now` belongs to the previous year (December lines read in January).
const FUTURE_SLACK_SECONDS = 2 * 86400;

type Template = (line: string, now: number) => number | null;

function localSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  return Math.floor(new Date(y, mo, d, h, mi, s).getTime() / 1000);
}

function zoned(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string | undefined): number {
  if (zone === undefined) return localSeconds(y, mo, d, h, mi, s);
  const base = Date.UTC(y, mo, d, h, mi, s) / 1000;
  if (zone === 'Z' || zone === 'z') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return base - sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60);
}

const ISO = /^(?:<\d{1,3}>1 )?(\d{4})-(\d\d)-(\d\d)(?:T| {1,2})(\d{1,2}):(\d\d):(\d\d)(?:[.,]\d+)?(Z|[+-]\d\d:?\d\d)?(?![\d:])/i;
const SYSLOG = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.\d+)?(?: (\d{4})(?= ))?/;
const MYSQL55 = /^(\d\d)(\d\d)(\d\d) {1,2}(\d{1,2}):(\d\d):(\d\d)(?!\d)/;

const iso: Template = (line) => {
  const m = ISO.exec(line);
  if (!m) return null;
  return zoned(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7]);
};

const syslog: Template = (line, now) => {
  const m = SYSLOG.exec(line);
  const month = m ? MONTHS[m[1]!] : undefined;
  if (!m || month === undefined) return null;
  const [d, h, mi, s] = [+m[2]!, +m[3]!, +m[4]!, +m[5]!];
  if (m[6]) return localSeconds(+m[6], month, d, h, mi, s);
  const year = new Date(now * 1000).getFullYear();
  const guess = localSeconds(year, month, d, h, mi, s);
  return guess > now + FUTURE_SLACK_SECONDS ? localSeconds(year - 1, month, d, h, mi, s) : guess;
};

const mysql55: Template = (line) => {
  const m = MYSQL55.exec(line);
  if (!m) return null;
  return localSeconds(2000 + +m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

export const TEMPLATE_NAMES = ['iso8601', 'syslog', 'mysql55'] as const;
const TEMPLATES: readonly Template[] = [iso, syslog, mysql55];

// Tries the date templates in order, the one that matched last time first (logs keep one format).
export type DateReader = { readonly read: (line: string) => { time: number; template: number } | null };

export function createDateReader(now: number): DateReader {
  let last = 0;
  return {
    read(line) {
      const first = TEMPLATES[last]!(line, now);
      if (first !== null && Number.isFinite(first)) return { time: first, template: last };
      for (let i = 0; i < TEMPLATES.length; i++) {
        if (i === last) continue;
        const time = TEMPLATES[i]!(line, now);
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

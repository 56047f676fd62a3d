// Timestamps come from the log line, never from the clock. Times are epoch seconds.
import { accessLog, createTemplateContext, ctime, iso, mysql55, nginxError, syslog, type Template } from './date-templates.js';
import { err, ok, type Result } from './result.js';

// The date formats, in the order they are tried when a log's format is not known yet.
export const DATE_PATTERNS = ['iso8601', 'syslog', 'mysql55', 'nginx-error', 'ctime', 'access-log'] as const;
export type DatePatternName = (typeof DATE_PATTERNS)[number];

const TEMPLATES: Readonly<Record<DatePatternName, Template>> = {
  iso8601: iso, syslog, mysql55, 'nginx-error': nginxError, ctime, 'access-log': accessLog,
};

// Other names users know the same formats by (fail2ban, log format names, the services writing them).
export const DATE_PATTERN_ALIASES: Readonly<Record<string, DatePatternName>> = {
  iso: 'iso8601', rfc3339: 'iso8601', rfc5424: 'iso8601', journald: 'iso8601', mysql: 'iso8601',
  rfc3164: 'syslog', 'mysql-5.5': 'mysql55',
  'apache-error': 'ctime', vsftpd: 'ctime',
  'nginx-access': 'access-log', 'apache-access': 'access-log', clf: 'access-log', combined: 'access-log',
};

// A rule's or a jail's `datepattern` names: unknown names are a config error naming the valid ones.
export function resolveDatePatterns(names: readonly string[]): Result<DatePatternName[]> {
  const out: DatePatternName[] = [];
  for (const name of names) {
    const found = (DATE_PATTERNS as readonly string[]).includes(name) ? (name as DatePatternName) : DATE_PATTERN_ALIASES[name];
    if (!found) return err(`unknown datepattern "${name}" (known: ${[...DATE_PATTERNS, ...Object.keys(DATE_PATTERN_ALIASES)].join(', ')})`);
    if (!out.includes(found)) out.push(found);
  }
  return ok(out);
}

export type DateHit = { readonly time: number; readonly template: number; readonly pattern: DatePatternName };
export type DateReader = { readonly read: (line: string) => DateHit | null };
export type DateReaderOptions = { readonly pattern?: DatePatternName | readonly DatePatternName[] };

// Tries the date templates in order, the one that matched last time first (logs keep one format).
// `pattern` limits the reader to the named formats (a rule's or a jail's datepattern).
// `template` in a hit is the format's index in DATE_PATTERNS.
export function createDateReader(now: number, options: DateReaderOptions = {}): DateReader {
  const names: readonly DatePatternName[] = options.pattern === undefined ? DATE_PATTERNS
    : typeof options.pattern === 'string' ? [options.pattern] : options.pattern;
  const templates = names.map((name) => TEMPLATES[name]);
  const ctx = createTemplateContext(now);
  let last = 0;
  const hit = (i: number, time: number): DateHit => {
    last = i;
    const pattern = names[i]!;
    return { time, template: DATE_PATTERNS.indexOf(pattern), pattern };
  };
  return {
    read(line) {
      const first = templates[last]?.(line, ctx) ?? null;
      if (first !== null && Number.isFinite(first)) return hit(last, first);
      for (let i = 0; i < templates.length; i++) {
        if (i === last) continue;
        const time = templates[i]!(line, ctx);
        if (time !== null && Number.isFinite(time)) return hit(i, time);
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

// fail2ban's value forms read for logban: durations ("10m", "1h 30m", "-1", "1mo"), date
// patterns (strftime forms and {^LN-BEG}) as logban's date format names, the regex of each
// date format where a pattern has to skip it, word lists (ignoreip), and action lists.
import { err, ok, type Result } from '../result.js';
import type { DatePatternName } from '../timestamp.js';

const UNITS: readonly [RegExp, number][] = [
  [/^(?:days?|da|dd?)$/i, 86400],
  [/^(?:weeks?|wee?|ww?)$/i, 604800],
  [/^(?:months?|mon?)$/i, (365 * 3 + 366) * 86400 / 4 / 12],
  [/^(?:years?|yea?|yy?)$/i, (365 * 3 + 366) * 86400 / 4],
  [/^(?:seconds?|sec?|ss?)$/i, 1],
  [/^(?:minutes?|min?|mm?)$/i, 60],
  [/^(?:hours?|hou?|hh?)$/i, 3600],
];

// A fail2ban duration in seconds (a sum of numbers with units, as fail2ban's str2seconds reads
// the usual forms); null for an expression this reader does not take.
export function parseFail2banDuration(text: string): number | null {
  const t = text.trim();
  if (!/^[-+]?\s*\d/.test(t)) return null;
  let total = 0;
  const re = /\s*([-+]?)\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)/y;
  let at = 0;
  while (at < t.length) {
    re.lastIndex = at;
    const m = re.exec(t);
    if (!m || m[0] === '') return null;
    const unit = m[3] === '' ? 1 : UNITS.find(([u]) => u.test(m[3]!))?.[1];
    if (unit === undefined) return null;
    total += (m[1] === '-' ? -1 : 1) * Number(m[2]) * unit;
    at = re.lastIndex;
  }
  return total;
}

// Seconds as logban writes a duration: the largest unit that divides it ("30d", "90s").
export function formatDuration(seconds: number): string | number {
  if (!Number.isInteger(seconds)) return Math.round(seconds);
  for (const [unit, n] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % n === 0) return `${seconds / n}${unit}`;
  }
  return `${seconds}s`;
}

/** Each logban date format as a regex of the date text itself (what fail2ban cuts from a line). */
export const DATE_REGEX: Readonly<Record<DatePatternName, string>> = {
  syslog: String.raw`[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)?(?: \d{4})?`,
  iso8601: String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`,
  'nginx-error': String.raw`\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`,
  'access-log': String.raw`\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?`,
  ctime: String.raw`[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4}`,
  mysql55: String.raw`\d{6} {1,2}\d{1,2}:\d\d:\d\d`,
};

const ALL_DATES = Object.keys(DATE_REGEX) as DatePatternName[];

// The regex of the dates a jail's lines may carry: its formats, or every one.
export function dateRegex(names: readonly DatePatternName[] | undefined): string {
  return (names && names.length > 0 ? names : ALL_DATES).map((n) => DATE_REGEX[n]).join('|');
}

// fail2ban strftime forms and what logban calls them.
const STRFTIME: readonly [RegExp, DatePatternName][] = [
  [/%Y\/%m\/%d %H:%M:%S/, 'nginx-error'],
  [/%d\/%b\/%Y:%H:%M:%S/, 'access-log'],
  [/%a %b %d %H:%M:%S(?:\.%f)? %Y/, 'ctime'],
  [/%y%m%d\s*\??\s*%k?H?:%M:%S|%y%m%d/, 'mysql55'],
  [/%(?:Ex)?Y-%m-%d|%(?:Ex)?Y\(\?P<_sep>|ISO8601/, 'iso8601'],
  [/%b %d %H:%M:%S|%b\s+%d|%b %e/, 'syslog'],
];

export type DateMapping = { readonly names?: readonly DatePatternName[]; readonly note?: string };

// A fail2ban `datepattern` (one or more lines) as logban date format names; {^LN-BEG} and
// {DATE} (fail2ban's own set of formats) need none, as logban tries all of its own.
export function mapDatepattern(value: string | undefined): DateMapping {
  if (value === undefined) return {};
  const lines = value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const names: DatePatternName[] = [];
  for (const line of lines) {
    const found = STRFTIME.find(([re]) => re.test(line));
    if (found) { if (!names.includes(found[1])) names.push(found[1]); continue; }
    if (/^(?:\^?\{\^?LN-BEG\}|\{DATE\}|.*\(\{DATE\}\).*|\{\^LN-BEG\}\{DATE\})$/.test(line)) continue;
    return { note: `datepattern ${JSON.stringify(line)}: logban reads the dates it knows (${ALL_DATES.join(', ')}) wherever they are; check the jail with logban test` };
  }
  return names.length > 0 ? { names } : {};
}

// fail2ban's word lists: words split at commas, spaces and newlines.
export function splitWords(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((w) => w !== '');
}

export type ActionEntry = { readonly name: string; readonly options: ReadonlyMap<string, string> };

// An `action` value: entries separated by white space, each `name[opt="v", ...]` possibly over
// several lines (fail2ban's splitWithOptions and extractOptions).
export function parseActions(value: string): Result<ActionEntry[], string> {
  const out: ActionEntry[] = [];
  let i = 0;
  while (i < value.length) {
    if (/\s/.test(value[i]!)) { i++; continue; }
    let j = i;
    while (j < value.length && !/[\s[]/.test(value[j]!)) j++;
    const name = value.slice(i, j);
    const options = new Map<string, string>();
    while (value[j] === '[') {
      let k = j + 1;
      let quote = '';
      for (; k < value.length; k++) {
        const c = value[k]!;
        if (quote) { if (c === quote) quote = ''; continue; }
        if (c === '"' || c === "'") quote = c;
        else if (c === ']') break;
      }
      if (k >= value.length) return err(`action "${name}": its [options] are not closed`);
      const body = value.slice(j + 1, k);
      for (const o of body.matchAll(/\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,]*))\s*(?:,|$)/g)) options.set(o[1]!, (o[2] ?? o[3] ?? o[4] ?? '').trim());
      j = k + 1;
    }
    if (name === '') return err(`cannot read the action list at "${value.slice(i, i + 30)}"`);
    out.push({ name, options });
    i = j;
  }
  return ok(out);
}

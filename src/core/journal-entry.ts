import { toIso } from './timestamp.js';

export type JournalLine = { readonly line: string; readonly cursor: string };

// journalctl -o json gives a field as a string, or as an array of byte values when it is not
// valid UTF-8 text.
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b < 256)) return Buffer.from(v as number[]).toString('utf8');
  return null;
}

// One journal entry as the line journald's short-iso output shows
// ("2026-11-21T08:40:00Z web1 sshd[1234]: Failed password ..."), so the file rules match it.
// A message spanning several lines stays one line: its own text can never start a new one.
export function journalLine(entry: Readonly<Record<string, unknown>>): JournalLine | null {
  const cursor = text(entry['__CURSOR']);
  const message = text(entry['MESSAGE']);
  const micros = Number(text(entry['__REALTIME_TIMESTAMP']));
  if (cursor === null || message === null || !Number.isFinite(micros)) return null;
  const host = text(entry['_HOSTNAME']) ?? 'localhost';
  const ident = text(entry['SYSLOG_IDENTIFIER']) ?? text(entry['_COMM']) ?? 'unknown';
  const pid = text(entry['SYSLOG_PID']) ?? text(entry['_PID']);
  const proc = pid === null ? ident : `${ident}[${pid}]`;
  return { line: `${toIso(Math.floor(micros / 1e6))} ${host} ${proc}: ${message.replace(/[\r\n]+/g, ' ')}`, cursor };
}

// The journalctl arguments for one run: after the saved cursor, or on a first run only the
// entries still inside the window.
export function journalArgs(q: { matches: readonly string[]; dir: string | null; cursor: string | null; since: number }): string[] {
  const args = ['journalctl', '--no-pager', '-o', 'json', '-q'];
  if (q.dir !== null) args.push('--directory', q.dir);
  if (q.cursor !== null) args.push('--after-cursor', q.cursor);
  else args.push('--since', `@${q.since}`);
  return [...args, ...q.matches];
}

import { EVIDENCE_LINES } from './decide.js';
import { NO_LINES, withLines, type LineReader, type WithText } from './evidence.js';
import { lazyList } from './json-parts.js';
import type { Argv } from './iptables-plan.js';
import type { Ban } from './state.js';
import { RECIDIVE_JAIL } from './recidive.js';
import { capLength, escapeUnsafe } from './text-safety.js';
import { toIso } from './timestamp.js';
import { describeWhois, type WhoisInfo } from './whois-parse.js';
import { formatZoned } from './zoned-time.js';

export type ReportInput = {
  readonly dryRun: boolean;
  readonly files: readonly { path: string; startOffset: number; endOffset: number; linesRead: number; rotated: readonly string[] }[];
  readonly newBans: readonly Ban[];
  readonly unbans: readonly { ip: string; jail: string; reason: string }[];
  readonly activeBans: number;
  readonly commands: readonly Argv[];
  readonly notes: readonly { level: 'warning' | 'info'; text: string }[];
  /** whois per new ban when lookups are on; absent: lookups off. */
  readonly whois?: Readonly<Record<string, WhoisInfo>>;
  /** Reads back the new bans' lines named by handle (see core/evidence); absent: they are all text. */
  readonly readLines?: LineReader;
  /** Why a new ban's block is narrower than its jail's prefix, by target ("2001:db8:1:2::/64 holds 2001:db8:1:2::1, ..."). */
  readonly narrowed?: Readonly<Record<string, string>>;
};

/** A ban as reports show it: its evidence read back. */
type ShownBan = WithText<Ban>;

/** Who reads the report and where: the host it is about and the reader's time zone (IANA name). */
export type ReportContext = { readonly host?: string; readonly timeZone?: string };

// An evidence line is shown whole but no longer than this (a mail is not the place for 1 MiB).
const EVIDENCE_CHARS = 2000;

// Log lines are attacker-written: control characters must not reach a terminal or a mail reader.
export function printable(line: string): string {
  return escapeUnsafe(capLength(line, EVIDENCE_CHARS));
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Cron mails whatever a run prints, so a run prints only when there is news.
export function hasNews(r: ReportInput): boolean {
  return r.newBans.length > 0 || r.unbans.length > 0 || r.notes.some((n) => n.level === 'warning');
}

// One new ban as --json shows it; `whois` is added when lookups are on.
function banJson(b: ShownBan, whois: ReportInput['whois']): object {
  return {
    ip: b.ip, jail: b.jail, failures: b.failures, firstSeen: toIso(b.firstSeen), lastSeen: toIso(b.lastSeen),
    expiresAt: b.expiresAt === null ? null : toIso(b.expiresAt), evidence: b.evidence,
    ...(b.addresses ? { addresses: b.addresses } : {}),
    ...(whois ? { whois: whois[b.ip] ?? null } : {}),
  };
}

// The new bans as --json shows them, made one at a time while they are written: a first scan
// with permanent bans can have 100k+ of them.
function* bansJson(r: ReportInput): Generator<object> {
  for (const b of withLines(r.newBans, r.readLines ?? NO_LINES)) {
    const why = r.narrowed?.[b.ip];
    yield why === undefined ? banJson(b, r.whois) : { ...banJson(b, r.whois), narrowed: why };
  }
}

// The --json shape of scan (DESIGN.md); `whois` per new ban is added when lookups are on.
// `lazy`: the new bans made while they are written (see jsonParts), not held as an array.
export function scanJson(r: ReportInput, lazy = false): object {
  return {
    dryRun: r.dryRun,
    files: r.files,
    newBans: lazy ? lazyList(() => bansJson(r)) : [...bansJson(r)],
    unbans: r.unbans,
    activeBans: r.activeBans,
    commands: r.commands,
    notes: r.notes,
  };
}

export type Style = {
  readonly strong: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly warn?: (s: string) => string;
};
export const PLAIN: Style = { strong: (s) => s, dim: (s) => s, warn: (s) => s };

// The first line, written to read well as a mail subject: "logban on web1: 3 IPs banned, 1 unbanned".
export function reportSubject(r: ReportInput, host?: string): string {
  const warnings = r.notes.filter((n) => n.level === 'warning').length;
  const counts = [`${plural(r.newBans.length, 'IP')} banned`, `${r.unbans.length} unbanned`];
  if (warnings > 0) counts.push(plural(warnings, 'warning'));
  const who = host ? `logban on ${escapeUnsafe(host)}` : 'logban';
  return `${who}: ${counts.join(', ')}${r.dryRun ? ' (dry run: nothing was changed)' : ''}`;
}

function renderBan(b: ShownBan, r: ReportInput, style: Style, timeZone: string): string[] {
  const when = (t: number) => formatZoned(t, timeZone);
  const evidence = b.evidence.slice(-EVIDENCE_LINES);
  const out = [
    `  ${style.strong(b.ip)}  jail ${b.jail}  ${b.jail === RECIDIVE_JAIL ? `${plural(b.failures, 'ban')} in its jails` : plural(b.failures, 'failure')}`,
    `    first seen  ${when(b.firstSeen)}`,
    `    last seen   ${when(b.lastSeen)}`,
    `    ban ends    ${b.expiresAt === null ? 'permanent' : when(b.expiresAt)}`,
  ];
  if (b.addresses) out.push(`    addresses   ${b.addresses.join(', ')}`);
  if (r.narrowed?.[b.ip] !== undefined) out.push(`    narrowed    ${r.narrowed[b.ip]}`);
  if (r.whois) out.push(`    whois       ${describeWhois(r.whois[b.ip])}`);
  if (evidence.length > 0) {
    const of = b.failures > evidence.length && b.jail !== RECIDIVE_JAIL ? ` (last ${evidence.length} of ${b.failures})` : '';
    out.push(`    evidence${of}:`, ...evidence.map((line) => style.dim(`      ${printable(line)}`)));
  }
  return out;
}

// The text report cron mails: subject line, then each ban with its times, end and evidence,
// unbans with their reason, warnings; commands and files with --verbose (commands also on a dry run).
export function renderScanText(r: ReportInput, style: Style = PLAIN, verbose = false, ctx: ReportContext = {}): string {
  return [...renderScanLines(r, style, verbose, ctx)].join('');
}

// The same report a line at a time (each ended by "\n"), so a report of 100k+ bans is written
// without being held whole.
export function* renderScanLines(r: ReportInput, style: Style = PLAIN, verbose = false, ctx: ReportContext = {}): Generator<string> {
  const timeZone = ctx.timeZone ?? 'UTC';
  const warn = style.warn ?? ((s: string) => s);
  const lines = function* (...texts: readonly string[]) {
    for (const text of texts) yield `${text}\n`;
  };
  yield* lines(style.strong(reportSubject(r, ctx.host)));
  if (r.newBans.length > 0) yield* lines('', `${r.dryRun ? 'Would ban' : 'Banned'} (times in ${timeZone}):`);
  for (const b of withLines(r.newBans, r.readLines ?? NO_LINES)) yield* lines(...renderBan(b, r, style, timeZone));
  if (r.unbans.length > 0) yield* lines('', r.dryRun ? 'Would unban:' : 'Unbanned:');
  for (const u of r.unbans) yield* lines(`  ${u.ip}  jail ${u.jail}  (${escapeUnsafe(u.reason)})`);
  const warnings = r.notes.filter((n) => n.level === 'warning');
  if (warnings.length > 0) yield* lines('');
  for (const n of warnings) yield* lines(`${warn('warning:')} ${escapeUnsafe(n.text)}`);
  const infos = verbose ? r.notes.filter((n) => n.level === 'info') : [];
  if (infos.length > 0) yield* lines('', 'Notes:');
  for (const n of infos) yield* lines(`  ${escapeUnsafe(n.text)}`);
  yield* lines('', `${plural(r.activeBans, 'ban')} active.`);
  if (r.commands.length > 0 && (verbose || r.dryRun)) {
    yield* lines('', r.dryRun ? 'Firewall commands (not run):' : 'Firewall commands:');
    for (const c of r.commands) yield* lines(`  ${c.join(' ')}`);
  }
  if (verbose) {
    yield* lines('', 'Files:');
    for (const f of r.files) yield* lines(`  ${escapeUnsafe(f.path)}: ${plural(f.linesRead, 'line')}, bytes ${f.startOffset}..${f.endOffset}`);
  }
}

import type { Command } from 'commander';
import { jsonParts } from '../core/json-parts.js';
import { escapeJsonText, escapeOutput } from '../core/text-safety.js';
import { parseIsoInstant } from '../core/timestamp.js';
import { DEFAULT_STATE_DIR } from '../config/defaults.js';
import { UsageError } from '../app/errors.js';
import { systemClock, fixedClock, type Clock } from '../io/clock.js';

export type CommonOptions = { config?: string; stateDir?: string; now?: string; json?: boolean };

// The options every command takes (DESIGN's CLI contract).
export function withCommon(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (default: $LOGBAN_CONFIG, /etc/logban/logban.toml, else built-in defaults)')
    .option('--state-dir <dir>', 'state directory (default: $LOGBAN_STATE_DIR or /var/lib/logban)')
    .option('--now <iso>', 'fix the clock, e.g. 2026-11-21T10:00:00Z (tests, replaying old logs)');
}

export function stateDirOf(o: CommonOptions): string {
  return o.stateDir ?? process.env['LOGBAN_STATE_DIR'] ?? DEFAULT_STATE_DIR;
}

export function clockOf(o: CommonOptions): Clock {
  if (o.now === undefined) return systemClock;
  const t = parseIsoInstant(o.now);
  if (t === null) throw new UsageError(`--now ${o.now}: not an ISO 8601 time; use e.g. 2026-11-21T10:00:00Z`);
  return fixedClock(t);
}

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} ${value}: expected a whole number of at least 1`);
    return Number(value);
  };
}

// Every command prints through these: no control, bidi or invisible character of a log line,
// a file name or a whois answer reaches the terminal or the cron mail raw.
export function writeOut(text: string): void {
  process.stdout.write(escapeOutput(text));
}

// Text given in pieces goes out in batches of about this many characters.
const BATCH = 1 << 16;

// Writes pieces in batches, each batch through `escape` (pieces are whole lines or values, so
// no escape sequence or surrogate pair is cut): a report of 100k+ bans is never held whole.
function writeParts(parts: Iterable<string>, escape: (text: string) => string): void {
  let batch: string[] = [];
  let size = 0;
  for (const part of parts) {
    batch.push(part);
    size += part.length;
    if (size < BATCH) continue;
    process.stdout.write(escape(batch.join('')));
    batch = [];
    size = 0;
  }
  if (batch.length > 0) process.stdout.write(escape(batch.join('')));
}

// A report styled for a terminal: its colour sequences pass, every other escape is shown as text.
export function writeStyled(text: string | Iterable<string>, styled: boolean): void {
  writeParts(typeof text === 'string' ? [text] : text, (t) => escapeOutput(t, styled));
}

// One JSON document and a newline; unsafe characters inside strings are JSON escapes (jq -r undoes them).
export function writeJson(value: unknown, indent?: number): void {
  writeParts((function* () {
    yield* jsonParts(value, indent);
    yield '\n';
  })(), escapeJsonText);
}

// One line on stderr ("logban: ..."), escaped like stdout.
export function writeErr(line: string): void {
  process.stderr.write(`${escapeOutput(line)}\n`);
}

// The text line for a saved ban a command took out because it fails the checks of every ban.
export function droppedLine(u: { readonly ip: string; readonly jail: string; readonly reason: string }): string {
  return `logban: dropped the saved ban of ${u.ip} in jail ${u.jail} (${u.reason})\n`;
}

/** `--threads N`: classify a big plain log on N threads (1: one); given, it applies to a file of any size. */
export function withThreads(cmd: Command): Command {
  return cmd.option('--threads <n>', 'threads that match a big plain log (scan: 1 unless given; test, stats: the cores, at most 4, over 32 MiB)', positiveInt('--threads'));
}

export function threadsOf(o: { threads?: number }): { threads?: number; force?: boolean } {
  return o.threads === undefined ? {} : { threads: o.threads, force: true };
}

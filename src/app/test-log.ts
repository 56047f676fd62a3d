// `logban test`: one log file against one rule or regex, as fail2ban-regex does it, on the same
// chunk + prefilter path the scan uses; the attempt counter says how many attempts the lines make.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Matcher, PatternRole } from '../core/match.js';
import { createTestTally } from '../core/test-tally.js';
import { toIso, type DatePatternName } from '../core/timestamp.js';
import { compileMatcher, rulePatterns, type MatcherSource } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { UsageError } from './errors.js';
import { readClassified, type Threads } from './read-classified.js';

export type TestMatch = { readonly line: number; readonly ip: string; readonly time: string | null; readonly pattern: number };

/** The counts and matches of `test --json` (DESIGN's contract), and what the text report adds. */
export type TestReport = {
  readonly lines: number; readonly matched: number; readonly missed: number; readonly ignored: number;
  readonly matches: readonly TestMatch[];
  /** What was tested: a rule name or the regex, and its patterns with their hits. */
  readonly target: { readonly kind: 'rule' | 'regex'; readonly name: string };
  readonly patterns: readonly { readonly source: string; readonly role: PatternRole; readonly hits: number }[];
  readonly successes: number;
  readonly attempts: number;
  readonly dates: readonly { readonly name: string; readonly hits: number }[];
  readonly missedLines: readonly { readonly line: number; readonly text: string }[];
  readonly file: { readonly bytes: number; readonly gzip: boolean; readonly complete: boolean; readonly note?: string };
  /** Threads that classified the lines. */
  readonly threads: number;
};

type Target = {
  kind: 'rule' | 'regex'; name: string; matcher: Matcher; source: MatcherSource; patterns: { source: string; role: PatternRole }[];
  datepattern?: readonly DatePatternName[];
};

// A built-in rule by name, else a regex with exactly one <HOST>; anything else is a usage error.
export function resolveTarget(arg: string): Target {
  const rule = findRule(arg);
  const compiled = rule ? compileMatcher([rule], [], []) : compileMatcher([], [arg], []);
  if (!compiled.ok) {
    if (!rule && !arg.includes('<HOST>')) throw new UsageError(`"${arg}" is neither a built-in rule (see "logban rules") nor a regex with <HOST>`);
    throw new UsageError(compiled.error);
  }
  const patterns = rule ? rulePatterns(rule) : [{ source: arg, role: 'fail' as const }];
  const source = { rules: rule ? [arg] : [], failregex: rule ? [] : [arg], ignoreregex: [], prefregex: '' };
  return { kind: rule ? 'rule' : 'regex', name: arg, matcher: compiled.value, source, patterns, ...(rule?.datepattern ? { datepattern: rule.datepattern } : {}) };
}


export type TestOptions = {
  /** How many missed lines to keep as samples. */
  readonly maxMissed: number;
  /** Keep every match for `matches` (--json); the text report only needs the counts. */
  readonly listMatches: boolean;
  /** Threads for a big plain file (see read-classified). */
  readonly threads?: Threads;
};

// Reads the file (plain or gzip) and tests every line: the lines are classified as a scan's are
// (core/classify), then counted in file order (core/test-tally).
export async function testLog(path: string, arg: string, now: number, opts: TestOptions): Promise<TestReport> {
  const target = resolveTarget(arg);
  const { matcher } = target;
  const tally = createTestTally(matcher, target.patterns.length, now, opts.listMatches);
  const jail = { matcher, since: -Infinity, ...(target.datepattern ? { datepattern: target.datepattern } : {}) };
  const classify = { now, keepText: false, missSamples: opts.maxMissed, lineNumbers: true, attempts: true };
  let tailBytes = 0;
  const read = await readOrExplain(path, () => readClassified(path, [jail], [target.source], classify, opts.threads ?? {}, tally.consume, {
    tail: (out) => {
      const tail = out.gzip ? '' : unterminatedTail(path, out.bytes);
      tailBytes = Buffer.byteLength(tail);
      return tail === '' ? '' : `${tail}\n`;
    },
  }));
  const counts = tally.finish();
  const out = read.outcome;
  // Lines inside marked records are ignored, but for the one line each joined record counts as;
  // lines that never learnt their connection's address are not failures.
  const ignored = counts.ignored + read.guarded.tainted - read.guarded.joined + counts.unaddressed;
  const iso = createIsoMemo();
  const matches = counts.entries.map((e) => ({ line: e.lineNo, ip: e.ip, time: e.date === null ? null : iso(e.date), pattern: e.pattern }));
  // Each line is a miss, an ignoreregex hit, a login that worked, or a failure line; failure
  // lines that a later success settled are reported as ignored, not matched.
  const lines = read.classified;
  const { failureLines, forgotten, successes } = counts;
  return {
    lines, matched: failureLines - forgotten, ignored: ignored + successes + forgotten,
    missed: lines - ignored - successes - failureLines,
    matches, target: { kind: target.kind, name: target.name },
    patterns: target.patterns.map((p, i) => ({ ...p, hits: counts.hits[i]! })),
    successes, attempts: counts.attempts,
    dates: counts.dates,
    missedLines: read.misses.map((m) => ({ line: m.lineNo, text: m.text })),
    file: { bytes: out.bytes + tailBytes, gzip: out.gzip, complete: out.complete, ...(out.note ? { note: out.note } : {}) },
    threads: read.threads,
  };
}

// Lines come in time order, so most times repeat the previous one: one conversion per second.
function createIsoMemo(): (seconds: number) => string {
  let last = NaN;
  let text = '';
  return (seconds) => {
    if (seconds !== last) { last = seconds; text = toIso(seconds); }
    return text;
  };
}

// Missing, unreadable or not a file: an error naming the file, mapped to exit 1 by the CLI.
async function readOrExplain<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied'
      : code === 'ENOTFILE' || code === 'EISDIR' ? 'not a regular file' : undefined;
    if (reason === undefined) throw e;
    throw Object.assign(new Error(reason), { code, path });
  }
}

// A plain log's last line without a newline (a file written by hand): the reader leaves it out.
function unterminatedTail(path: string, done: number): string {
  const size = statSync(path).size;
  if (size <= done || size - done > 1 << 20) return '';
  const buf = Buffer.alloc(size - done);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, done);
  } finally {
    closeSync(fd);
  }
  return buf.toString('utf8').replace(/\r$/, '');
}

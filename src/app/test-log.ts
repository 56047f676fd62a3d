// `logban test`: one log file against one rule or regex, as fail2ban-regex does it, on the same
// chunk + prefilter path the scan uses; the attempt counter says how many attempts the lines make.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createAttemptCounter, type AttemptInput } from '../core/attempts.js';
import { createAddressRelay } from '../core/connection-address.js';
import { forEachCandidateLine, matchLine, relatesAddresses, roleOf, type Matcher, type PatternRole } from '../core/match.js';
import { createGuardStage, createTaintCursor, type Joined, type Taint } from '../core/record-guard.js';
import { createDateReader, toIso, type DatePatternName } from '../core/timestamp.js';
import { compileMatcher, rulePatterns } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { readLogText } from '../io/log-text.js';
import { UsageError } from './errors.js';

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
};

type Target = {
  kind: 'rule' | 'regex'; name: string; matcher: Matcher; patterns: { source: string; role: PatternRole }[];
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
  return { kind: rule ? 'rule' : 'regex', name: arg, matcher: compiled.value, patterns, ...(rule?.datepattern ? { datepattern: rule.datepattern } : {}) };
}


// A failure line as the counter sees it; `time` stays epoch seconds until the output.
type Entry = AttemptInput & { lineNo: number; date: number | null; removed?: boolean };

export type TestOptions = {
  /** How many missed lines to keep as samples. */
  readonly maxMissed: number;
  /** Keep every match for `matches` (--json); the text report only needs the counts. */
  readonly listMatches: boolean;
};

// Reads the file (plain or gzip) and tests every line.
export async function testLog(path: string, arg: string, now: number, opts: TestOptions): Promise<TestReport> {
  const { maxMissed } = opts;
  const target = resolveTarget(arg);
  const { matcher } = target;
  const hits = target.patterns.map(() => 0);
  const dateHits = new Map<string, number>();
  const entries: Entry[] = [];
  const missedLines: { line: number; text: string }[] = [];
  let ignored = 0;
  let successes = 0;
  let attempts = 0;
  const dates = createDateReader(now, target.datepattern ? { pattern: target.datepattern } : {});
  let failureLines = 0;
  let forgotten = 0;
  const counter = createAttemptCounter<Entry>({
    count: () => { attempts++; },
    forget: (m) => { m.removed = true; forgotten++; },
  });
  let lineBase = 0;
  // A line that names no address is a failure line once another line of its connection names it
  // (see core/connection-address); one that only names the address is no failure.
  let unaddressed = 0;
  const relay = relatesAddresses(matcher) ? createAddressRelay(counter, {
    withIp: (m, ip) => {
      (m as { ip: string }).ip = ip;
      unaddressed--;
      failureLines++;
      if (opts.listMatches) entries.push(m);
      return m;
    },
  }) : null;
  const feed = relay ? relay.feed : counter.feed;

  const visit = (line: string, lineNo: number, prefiltered: boolean) => {
    const v = matchLine(line, matcher, prefiltered);
    if (v.kind === 'miss') {
      if (missedLines.length < maxMissed) missedLines.push({ line: lineNo, text: line });
      return;
    }
    if (v.kind === 'ignored') { ignored++; return; }
    hits[v.pattern]!++;
    const date = dates.read(line);
    if (date) {
      dateHits.set(date.pattern, (dateHits.get(date.pattern) ?? 0) + 1);
    }
    const time = date?.time ?? now;
    if (v.kind === 'address') {
      ignored++;
      if (relay && v.key !== undefined) relay.lend(v.key, v.ip, time);
      return;
    }
    // The line text is not kept: a slice would hold its whole 1 MiB chunk in memory.
    const base = { time, pattern: v.pattern, line: '', lineNo, date: date ? date.time : null };
    if (v.kind === 'unaddressed') {
      unaddressed++;
      relay?.borrow({ ...base, ip: '', role: 'companion', key: v.key }, v.key);
      return;
    }
    const entry: Entry = { ...base, ip: v.ip, role: roleOf(v), key: v.key, user: v.user };
    if (v.kind === 'success') successes++;
    else {
      failureLines++;
      if (opts.listMatches) entries.push(entry);
    }
    feed(entry);
  };

  // Line numbers: the newlines before each candidate line are counted from the previous one.
  // Until the missed-line samples are taken every line is looked at, then only prefilter hits.
  // Lines inside a record a client cut open count as ignored, as in a scan (see record-guard).
  const onGuarded = (text: string, taint: Taint, joined: readonly Joined[]) => {
    let pos = 0;
    let lineNo = lineBase + 1;
    const prefilter = missedLines.length < maxMissed ? null : matcher.prefilterRe;
    const tainted = createTaintCursor(taint);
    // A proved record joined into one line is matched at its first line's number.
    let next = 0;
    const joinedUpTo = (start: number) => {
      for (; next < joined.length && joined[next]!.at <= start; next++) {
        // Its number counted from the text's start (joined records are rare).
        const at = joined[next]!.at;
        let n = lineBase + 1;
        for (let nl = text.indexOf('\n'); nl !== -1 && nl < at; nl = text.indexOf('\n', nl + 1)) n++;
        visit(joined[next]!.line, n, false);
      }
    };
    forEachCandidateLine(text, prefilter, (line, start) => {
      for (let nl = text.indexOf('\n', pos); nl !== -1 && nl < start; nl = text.indexOf('\n', pos)) { lineNo++; pos = nl + 1; }
      joinedUpTo(start);
      if (taint.length > 0 && tainted(start)) return;
      visit(line, lineNo, prefilter !== null);
    });
    joinedUpTo(Infinity);
    // The lines inside marked records are ignored, but for the one line each joined record counts as.
    ignored += linesIn(text, taint) - joined.length;
    for (let nl = text.indexOf('\n', pos); nl !== -1; nl = text.indexOf('\n', pos)) { lineNo++; pos = nl + 1; }
    lineBase = lineNo - 1;
  };
  const stage = createGuardStage(matcher.guards, onGuarded);
  const out = await readLogTextOrExplain(path, stage.write);
  const tail = out.gzip ? '' : unterminatedTail(path, out.bytes);
  if (tail !== '') stage.write(`${tail}\n`);
  stage.end();
  counter.flush();
  // Lines that never learnt their connection's address are not failures.
  ignored += unaddressed;
  if (relay) entries.sort((a, b) => a.lineNo - b.lineNo);
  const iso = createIsoMemo();
  const matches = entries.filter((e) => !e.removed).map((e) => ({ line: e.lineNo, ip: e.ip, time: e.date === null ? null : iso(e.date), pattern: e.pattern }));
  // Each line is a miss, an ignoreregex hit, a login that worked, or a failure line; failure
  // lines that a later success settled are reported as ignored, not matched.
  const lines = lineBase;
  return {
    lines, matched: failureLines - forgotten, ignored: ignored + successes + forgotten,
    missed: lines - ignored - successes - failureLines,
    matches, target: { kind: target.kind, name: target.name },
    patterns: target.patterns.map((p, i) => ({ ...p, hits: hits[i]! })),
    successes, attempts,
    dates: [...dateHits].map(([name, n]) => ({ name, hits: n })),
    missedLines,
    file: { bytes: out.bytes + Buffer.byteLength(tail), gzip: out.gzip, complete: out.complete, ...(out.note ? { note: out.note } : {}) },
  };
}

// How many lines of `text` start inside the ranges.
function linesIn(text: string, taint: Taint): number {
  let n = 0;
  for (const [a, b] of taint) {
    for (let p = a; p < b && p < text.length; p = text.indexOf('\n', p) + 1) {
      if (p === 0 || text[p - 1] === '\n') n++;
      if (text.indexOf('\n', p) < 0) break;
    }
  }
  return n;
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
async function readLogTextOrExplain(path: string, onText: (text: string) => void) {
  try {
    return await readLogText(path, onText);
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

import { createHitBuilder, HIT, type HitBatch, type HitKind } from './hits.js';
import { forEachCandidateLine, matchLine, type LineVerdict, type Matcher } from './match.js';
import { ownString } from './own-string.js';
import { createGuardStage, createTaintCursor, type GuardStage } from './record-guard.js';
import { createDateReader, type DatePatternName, type DateReader } from './timestamp.js';

/** One jail (or the one rule of `test` and `stats`) whose patterns a text's lines are matched against. */
export type ClassifyJail = {
  readonly matcher: Matcher;
  /** Lines dated before this are never matched (a scan: they cannot matter); -Infinity: every line. */
  readonly since: number;
  /** The date formats it is limited to (a jail's or a rule's datepattern). */
  readonly datepattern?: readonly DatePatternName[];
};

export type ClassifyOptions = {
  /** Fixes the year of yearless dates. */
  readonly now: number;
  /** Keep the text of lines that may wait in the attempt counter (companions, lines without an address): a scan's evidence. */
  readonly keepText: boolean;
  /** Keep the first this many lines no pattern matched, with their numbers (`test`); until then every line is tried. */
  readonly missSamples: number;
  /** Number the lines (`test`: one jail); otherwise lineNo is 0 and `lines` counts nothing. */
  readonly lineNumbers: boolean;
  /** Keep each line's key and user name (what relates the lines of one attempt); `stats` counts lines, not attempts. */
  readonly attempts: boolean;
};

export type Classifier = {
  /** Complete lines; `at`: where the text starts in its file, -1 when its characters are not its bytes one for one. */
  readonly write: (text: string, at: number) => void;
  /** The end of the source: lines a record guard held back are classified. */
  readonly end: () => void;
  /** The records of the lines classified since the last take. */
  readonly take: () => HitBatch;
  readonly pending: () => number;
  /** Lines written so far (by their newlines). */
  readonly lines: () => number;
  /** Lines inside a record a client cut open (never matched) and records joined into one line, so far. */
  readonly guarded: () => { readonly tainted: number; readonly joined: number };
  readonly misses: () => readonly { readonly lineNo: number; readonly text: string }[];
  /** The date reader the jails without a datepattern share (a scan's skip check reads with it too). */
  readonly dates: DateReader;
};

const KIND: Readonly<Record<Exclude<LineVerdict['kind'], 'miss'>, HitKind>> = {
  match: HIT.match, companion: HIT.companion, success: HIT.success, address: HIT.address, unaddressed: HIT.unaddressed, ignored: HIT.ignored,
};

// Matches every line of a stream of text against each jail's patterns and writes a record for each
// line that is not a miss: the one per-line step that `scan`, `test` and `stats` share, on one
// thread or on many (each thread classifies its part of a file; see io/match-pool). The date is
// read only for a line that matched, except where a jail drops old lines before matching them.
export function createClassifier(jails: readonly ClassifyJail[], opts: ClassifyOptions): Classifier {
  const shared = createDateReader(opts.now);
  const out = createHitBuilder();
  const missed: { lineNo: number; text: string }[] = [];
  /** Lines handed over to the first jail's stage (its guard may hold text back for a while). */
  let firstLines = 0;
  let tainted = 0;
  let joinedCount = 0;
  // Each text written: where it starts among the characters written, and in its file (-1: not by place).
  const spanChar: number[] = [];
  const spanPos: number[] = [];
  let written = 0;

  const stages: GuardStage[] = jails.map((jail, j) => {
    let lineBase = 0;
    // Each jail's own cursor into the spans: a jail whose guard holds text back places it later.
    let span = 0;
    const placeOf = (char: number): number => {
      while (span + 1 < spanChar.length && spanChar[span + 1]! <= char) span++;
      const start = spanPos[span]!;
      return start < 0 ? -1 : start + (char - spanChar[span]!);
    };
    const dates = jail.datepattern ? createDateReader(opts.now, { pattern: jail.datepattern }) : shared;
    const dateFirst = jail.since !== -Infinity;
    const visit = (line: string, lineNo: number, char: number, prefiltered: boolean) => {
      let date = dateFirst ? dates.read(line) : null;
      if (dateFirst && (date?.time ?? opts.now) < jail.since) return;
      const v = matchLine(line, jail.matcher, prefiltered);
      if (v.kind === 'miss') {
        if (missed.length < opts.missSamples) missed.push({ lineNo, text: ownString(line) });
        return;
      }
      if (v.kind === 'ignored') {
        out.add(j, HIT.ignored, 0, lineNo, -1, 0, undefined, undefined, undefined, undefined, NaN, -1);
        return;
      }
      if (!dateFirst) date = dates.read(line);
      const offset = char < 0 || line.length === 0 ? -1 : placeOf(char);
      const waits = v.kind === 'companion' || v.kind === 'unaddressed' || offset < 0;
      const text = opts.keepText && waits ? ownString(line) : undefined;
      const ip = v.kind === 'unaddressed' ? undefined : v.ip;
      const user = v.kind === 'unaddressed' || !opts.attempts ? undefined : v.user;
      const key = opts.attempts ? v.key : undefined;
      out.add(j, KIND[v.kind], v.pattern, lineNo, offset, line.length, ip, key, user, text, date ? date.time : NaN, date ? date.template : -1);
    };
    return createGuardStage(jail.matcher.guards, (text, taint, joined, at) => {
      // Line numbers: the newlines before each candidate line are counted from the previous one.
      let pos = 0;
      let lineNo = lineBase + 1;
      const isTainted = createTaintCursor(taint);
      const prefilter = missed.length < opts.missSamples ? null : jail.matcher.prefilterRe;
      let next = 0;
      // A proved record joined into one line is matched at its first line's number, as text.
      const joinedUpTo = (start: number) => {
        for (; next < joined.length && joined[next]!.at <= start; next++) {
          let n = lineBase + 1;
          const jAt = joined[next]!.at;
          for (let nl = text.indexOf('\n'); nl !== -1 && nl < jAt; nl = text.indexOf('\n', nl + 1)) n++;
          visit(joined[next]!.line, n, -1, false);
        }
      };
      forEachCandidateLine(text, prefilter, (line, start) => {
        if (opts.lineNumbers) for (let nl = text.indexOf('\n', pos); nl !== -1 && nl < start; nl = text.indexOf('\n', pos)) { lineNo++; pos = nl + 1; }
        if (joined.length > 0) joinedUpTo(start);
        if (taint.length > 0 && isTainted(start)) return;
        visit(line, lineNo, at + start, prefilter !== null);
      });
      joinedUpTo(Infinity);
      if (taint.length > 0) tainted += linesIn(text, taint);
      joinedCount += joined.length;
      if (opts.lineNumbers) {
        for (let nl = text.indexOf('\n', pos); nl !== -1; nl = text.indexOf('\n', pos)) { lineNo++; pos = nl + 1; }
        lineBase = lineNo - 1;
        if (j === 0) firstLines = lineBase;
      }
    });
  });
  return {
    write(text, at) {
      spanChar.push(written);
      spanPos.push(at);
      written += text.length;
      for (const s of stages) s.write(text);
    },
    end() { for (const s of stages) s.end(); },
    take: () => out.take(),
    pending: () => out.size(),
    lines: () => firstLines,
    guarded: () => ({ tainted, joined: joinedCount }),
    misses: () => missed,
    dates: shared,
  };
}

// How many lines of `text` start inside the ranges.
function linesIn(text: string, taint: readonly (readonly [number, number])[]): number {
  let n = 0;
  for (const [a, b] of taint) {
    for (let p = a; p < b && p < text.length; p = text.indexOf('\n', p) + 1) {
      if (p === 0 || text[p - 1] === '\n') n++;
      if (text.indexOf('\n', p) < 0) break;
    }
  }
  return n;
}

import { statSync } from 'node:fs';
import { compileMatcher, type MatcherSource } from '../rules/compile.js';
import { findRule } from '../rules/library.js';
import { createStatsTally, statsClassify, type Stats, type SubnetBits } from '../core/stats.js';
import type { Matcher } from '../core/match.js';
import { discoverLogs } from '../io/discover.js';
import { readClassified, type Threads } from './read-classified.js';
import type { Progress } from '../io/progress.js';
import { UsageError } from './errors.js';

export const DEFAULT_STATS_RULE = 'sshd';

export type StatsOptions = {
  /** Files or globs, current and rotated, plain or gzip. */
  readonly patterns: readonly string[];
  /** A built-in rule name or a regex with <HOST>; default sshd. */
  readonly rule?: string;
  readonly bits: SubnetBits;
  readonly now: number;
  readonly threads?: Threads;
};

export type StatsDeps = { readonly progress: (totalBytes: number) => Progress };

export type StatsRun = { readonly stats: Stats; readonly files: readonly string[]; readonly warnings: readonly string[] };

// The same matcher scan builds for a jail: a built-in rule by name, else a pattern with <HOST>.
export function statsMatcher(rule: string): Matcher {
  return statsTarget(rule).matcher;
}

// The matcher and what it was compiled from (a reading thread compiles its own).
function statsTarget(rule: string): { matcher: Matcher; source: MatcherSource } {
  const known = findRule(rule);
  if (!known && !rule.includes('<HOST>')) {
    throw new UsageError(`--rule ${rule}: not a built-in rule (see "logban rules") and not a regex with <HOST>`);
  }
  const m = known ? compileMatcher([known], [], []) : compileMatcher([], [rule], []);
  if (!m.ok) throw new UsageError(`--rule ${rule}: ${m.error}`);
  return { matcher: m.value, source: { rules: known ? [rule] : [], failregex: known ? [] : [rule], ignoreregex: [], prefregex: '' } };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// Reads every file once (gzip told by its magic bytes) and counts what the rule matches.
export async function runStats(opts: StatsOptions, deps: StatsDeps): Promise<StatsRun> {
  const { matcher, source } = statsTarget(opts.rule ?? DEFAULT_STATS_RULE);
  const found = await discoverLogs(opts.patterns);
  const problems = [...found.missing, ...found.refused.map((r) => `${r.path}: ${r.reason}`)];
  if (found.files.length === 0) throw new UsageError(`no log file found (${problems.join('; ')}); give files or quoted globs`);
  const warnings = [...problems];
  const tally = createStatsTally();
  const jail = { matcher, since: -Infinity };
  const sizes = found.files.map(sizeOf);
  const progress = deps.progress(sizes.reduce((a, b) => a + b, 0));
  let failure: unknown;
  let read = 0;
  try {
    for (const [i, path] of found.files.entries()) {
      let left = sizes[i]!;
      const advance = (n: number) => {
        const step = Math.min(left, n);
        left -= step;
        progress.advance(step);
      };
      try {
        // Each file gets its own classifier: date formats and years are per file.
        const { outcome: out } = await readClassified(path, [jail], [source], statsClassify(opts.now), opts.threads ?? {}, tally.consume, { onBytes: advance, stats: tally });
        tally.addLines(out.lines);
        read++;
        if (!out.complete || out.note) warnings.push(`${path}: ${out.note ?? 'ended early'}; counted what was complete`);
      } catch (e) {
        failure = e;
        warnings.push(`${path}: ${(e as Error).message}`);
      }
      progress.advance(left);
    }
  } finally {
    progress.done();
  }
  // Not one file could be read: that is a failure, not a report of zero.
  if (read === 0) throw failure;
  return { stats: tally.result(opts.bits), files: found.files, warnings };
}

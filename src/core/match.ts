import { canonicalIp } from './ip.js';
import { ownString } from './own-string.js';
import type { RecordGuard } from './record-guard.js';

/**
 * What a pattern means for counting attempts (see src/rules/spec.ts and src/core/attempts.ts);
 * `address` and `unaddressed` lines are related by their key in src/core/connection-address.ts.
 */
export type PatternRole = 'fail' | 'companion' | 'success' | 'address' | 'unaddressed';

/**
 * One regex standing for one or more patterns; capture `hosts[i]` holds the host of pattern
 * `first + i`, `roles[i]` says what it means (missing: every pattern is a `fail`), capture
 * `keys[i]` (0: none) its process or session id, which relates the lines of one attempt, capture
 * `users[i]` (0: none) the user name it names (lines of different users are different attempts).
 */
export type MatchUnit = {
  readonly re: RegExp;
  readonly hosts: readonly number[];
  readonly first: number;
  readonly roles?: readonly PatternRole[];
  readonly keys?: readonly number[];
  readonly users?: readonly number[];
};

export type Matcher = {
  /** Literals of which a line must contain one; null means every line is tried. */
  readonly prefilter: readonly string[] | null;
  /** The same words as one global regex (see compilePrefilter). */
  readonly prefilterRe: RegExp | null;
  readonly units: readonly MatchUnit[];
  readonly ignore: readonly RegExp[];
  /** The record guards of its rules: lines inside a record known to be cut open never count. */
  readonly guards: readonly RecordGuard[];
};

type Hit = { readonly ip: string; readonly pattern: number; readonly key: string | undefined; readonly user?: string | undefined };

/**
 * `match`: a failure, one attempt. `companion`: a line about an attempt that another line of the
 * same key may log too (only the attempt counter can tell whether it counts). `success`: a login
 * that worked. `address`: a line that only names its key's address. `unaddressed`: a companion
 * that names none (its key's other lines do). Callers that count only `match` never count a line
 * twice, and callers that read `ip` never see a line without one.
 */
export type LineVerdict =
  | ({ readonly kind: 'match' } & Hit)
  | ({ readonly kind: 'companion' } & Hit)
  | ({ readonly kind: 'success' } & Hit)
  | ({ readonly kind: 'address' } & Hit)
  | { readonly kind: 'unaddressed'; readonly pattern: number; readonly key: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'miss' };

/** The role of a verdict's pattern, for the attempt counter. */
export function roleOf(v: { readonly kind: 'match' | 'companion' | 'success' }): PatternRole {
  return v.kind === 'match' ? 'fail' : v.kind;
}

const MISS: LineVerdict = { kind: 'miss' };
const IGNORED: LineVerdict = { kind: 'ignored' };

// One line against one jail's patterns; the first pattern that yields a valid IP wins.
// `prefiltered`: the caller already knows the line holds one of the prefilter words.
export function matchLine(line: string, matcher: Matcher, prefiltered = false): LineVerdict {
  const { prefilter, units, ignore } = matcher;
  if (prefilter && !prefiltered && !prefilter.some((word) => line.includes(word))) return MISS;
  for (const unit of units) {
    const m = unit.re.exec(line);
    if (m === null) continue;
    for (let i = 0; i < unit.hosts.length; i++) {
      const host = m[unit.hosts[i]!];
      if (host === undefined) continue;
      if (host === '') return unaddressed(line, m, unit, i, ignore);
      const zone = host.indexOf('%');
      const ip = canonicalIp(zone < 0 ? host : host.slice(0, zone));
      if (ip === null) break;
      const role = unit.roles?.[i] ?? 'fail';
      const k = unit.keys?.[i];
      const raw = k ? m[k] : undefined;
      const key = raw === undefined ? undefined : ownString(raw);
      const pattern = unit.first + i;
      const u = unit.users?.[i];
      const name = u ? m[u] : undefined;
      // Only a name is kept (as its own string: a companion may wait in the attempt counter).
      const user = name === undefined || name === '' ? undefined : ownString(name);
      if (role === 'success') return { kind: 'success', ip, pattern, key, user };
      if (ignore.some((re) => re.test(line))) return IGNORED;
      if (role === 'address') return { kind: 'address', ip, pattern, key };
      return role === 'fail' ? { kind: 'match', ip, pattern, key, user } : { kind: 'companion', ip, pattern, key, user };
    }
  }
  return MISS;
}

// A pattern without <HOST> (its host capture is empty): a line of a key that names no address,
// of use only with the key that relates it to a line that does.
function unaddressed(line: string, m: RegExpExecArray, unit: MatchUnit, i: number, ignore: readonly RegExp[]): LineVerdict {
  const k = unit.keys?.[i];
  const raw = k ? m[k] : undefined;
  if (raw === undefined) return MISS;
  if (ignore.some((re) => re.test(line))) return IGNORED;
  return { kind: 'unaddressed', pattern: unit.first + i, key: ownString(raw) };
}

/** Whether a matcher has lines that lend or borrow an address (see core/connection-address). */
export function relatesAddresses(matcher: Matcher): boolean {
  return matcher.units.some((u) => u.roles?.some((r) => r === 'address' || r === 'unaddressed') ?? false);
}

// One global regex that finds any of the prefilter words; it scans a chunk far faster than
// one indexOf stream per word.
export function compilePrefilter(words: readonly string[] | null): RegExp | null {
  if (words === null || words.length === 0) return null;
  return new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

// Calls `visit` with each line of `text` that could match, in order: with a prefilter only the
// lines around a word hit are cut out, so most lines of a big log are never sliced. `start` is
// the line's offset in `text`, so a caller can count the newlines before it cheaply.
export function forEachCandidateLine(text: string, prefilter: RegExp | null, visit: (line: string, start: number) => void): void {
  if (prefilter === null) {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      visit(stripCr(text.slice(start, end)), start);
      start = end + 1;
    }
    return;
  }
  prefilter.lastIndex = 0;
  for (let hit = prefilter.exec(text); hit !== null; hit = prefilter.exec(text)) {
    const start = text.lastIndexOf('\n', hit.index) + 1;
    let end = text.indexOf('\n', hit.index);
    if (end < 0) end = text.length;
    visit(stripCr(text.slice(start, end)), start);
    prefilter.lastIndex = end;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

import { canonicalIp } from './ip.js';

/** One regex standing for one or more patterns; `groups[i]` captures the host of pattern `first + i`. */
export type MatchUnit = { readonly re: RegExp; readonly groups: readonly string[]; readonly first: number };

export type Matcher = {
  /** Literals of which a line must contain one; null means every line is tried. */
  readonly prefilter: readonly string[] | null;
  readonly units: readonly MatchUnit[];
  readonly ignore: readonly RegExp[];
};

export type LineVerdict =
  | { readonly kind: 'match'; readonly ip: string; readonly pattern: number }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'miss' };

const MISS: LineVerdict = { kind: 'miss' };
const IGNORED: LineVerdict = { kind: 'ignored' };

// One line against one jail's patterns; the first pattern that yields a valid IP wins.
// `prefiltered`: the caller already knows the line holds one of the prefilter words.
export function matchLine(line: string, matcher: Matcher, prefiltered = false): LineVerdict {
  const { prefilter, units, ignore } = matcher;
  if (prefilter && !prefiltered && !prefilter.some((word) => line.includes(word))) return MISS;
  for (const unit of units) {
    const groups = unit.re.exec(line)?.groups;
    if (!groups) continue;
    for (let i = 0; i < unit.groups.length; i++) {
      const host = groups[unit.groups[i]!];
      if (host === undefined) continue;
      const ip = canonicalIp(host);
      if (ip === null) break;
      return ignore.some((re) => re.test(line)) ? IGNORED : { kind: 'match', ip, pattern: unit.first + i };
    }
  }
  return MISS;
}

// Calls `visit` with each line of `text` that could match: with a prefilter only the lines
// around a literal hit are cut out, so most lines of a big log cost one indexOf, not a slice.
export function forEachCandidateLine(text: string, prefilter: readonly string[] | null, visit: (line: string) => void): void {
  if (prefilter === null) {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      visit(stripCr(text.slice(start, end)));
      start = end + 1;
    }
    return;
  }
  // Each literal's hits come in text order; merging them visits every candidate line once, in order.
  const next = prefilter.map((word) => text.indexOf(word));
  for (;;) {
    let at = -1;
    for (const pos of next) if (pos >= 0 && (at < 0 || pos < at)) at = pos;
    if (at < 0) return;
    const start = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    visit(stripCr(text.slice(start, end)));
    for (let i = 0; i < next.length; i++) if (next[i]! >= 0 && next[i]! < end) next[i] = text.indexOf(prefilter[i]!, end);
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

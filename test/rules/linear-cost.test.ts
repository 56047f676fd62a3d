import { describe, expect, it } from 'vitest';
import { matchLine, type Matcher } from '../../src/core/match.js';
import { compileMatcher, rulePatterns } from '../../src/rules/compile.js';
import { RULES } from '../../src/rules/library.js';
import { ruleFixtures } from '../helpers/fixtures.js';

// A cost check, not a timed assertion: every rule must stay linear on hostile 64 KiB lines (the
// longest a scan matches). A line is made from one of the rule's own matching lines, cut at some
// point and filled up with the characters around that point over and over (a user name made of
// " to access " or "[" or ', client: ' a thousand times), without the line's real end. Each rule
// is timed on such lines at 16 KiB and at 64 KiB: a linear pattern takes about 4 times as long on
// the longer ones, a quadratic one about 16 times.
// Delimiters that patterns stop at, which a client can repeat as well.
const DELIMITERS = [']', '[', '"', "'", ', ', ' from ', ' port ', ')', '(', '<', '>', ': ', '=', ' ', '\u2028'];
const SMALL = 16 * 1024;
const LARGE = 64 * 1024;

// Literal words of a rule's patterns ("Authorization of user ", " to access ", "] FAIL LOGIN"):
// a client that repeats them makes a backtracking pattern try each occurrence.
export function literalsOf(sources: readonly string[]): string[] {
  const words = new Set<string>();
  for (const src of sources) {
    for (const m of src.replace(/\\[dDsSwWbB]/g, '\u0000').replace(/\\(.)/g, '$1').matchAll(/[^\u0000()[\]{}|?*+^$.]{3,}/g)) words.add(m[0]);
  }
  return [...words];
}

// The line up to one of the words it holds (the pattern's own place for it), then that word over
// and over.
function wordLines(line: string, size: number, words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const at = line.indexOf(w);
    if (at < 0) continue;
    const head = line.slice(0, at + w.length);
    out.push(head + w.repeat(Math.ceil((size - head.length) / w.length)).slice(0, size - head.length));
  }
  return out;
}

function hostileLines(line: string, size: number): string[] {
  const out: string[] = [];
  for (const frac of [0.2, 0.35, 0.5, 0.65, 0.8]) {
    const cut = Math.floor(line.length * frac);
    for (const width of [1, 3, 12]) {
      const piece = line.slice(Math.max(0, cut - width), cut + width);
      if (piece === '') continue;
      out.push(line.slice(0, cut) + piece.repeat(Math.ceil((size - cut) / piece.length)).slice(0, size - cut));
    }
  }
  return out;
}

// The best of five runs of each of the two lines, taken in turn so that a busy machine slows both
// alike, in nanoseconds.
function costs(matcher: Matcher, small: string, large: string): [number, number] {
  let a = Infinity;
  let b = Infinity;
  for (let round = 0; round < 5; round++) {
    let t = process.hrtime.bigint();
    matchLine(small, matcher, true);
    a = Math.min(a, Number(process.hrtime.bigint() - t));
    t = process.hrtime.bigint();
    matchLine(large, matcher, true);
    b = Math.min(b, Number(process.hrtime.bigint() - t));
  }
  return [a, b];
}

const fixtures = ruleFixtures();
describe('every rule is linear on hostile 64 KiB lines', () => {
  for (const rule of RULES) {
    it(rule.name, () => {
      const compiled = compileMatcher([rule], [], []);
      if (!compiled.ok) throw new Error(compiled.error);
      const samples = fixtures.filter((f) => f.rule === rule.name).flatMap((f) => f.cases.filter((c) => c.expect).map((c) => c.line));
      expect(samples.length).toBeGreaterThan(0);
      const picked = samples.filter((_, i) => i % Math.ceil(samples.length / 8) === 0);
      const words = [...literalsOf([rule.prefix, ...rulePatterns(rule).map((p) => p.source)]), ...DELIMITERS];
      const small = [...picked.flatMap((l) => hostileLines(l, SMALL)), ...samples.flatMap((l) => wordLines(l, SMALL, words))];
      const large = [...picked.flatMap((l) => hostileLines(l, LARGE)), ...samples.flatMap((l) => wordLines(l, LARGE, words))];
      // Per hostile line: its cost at 64 KiB against the same line at 16 KiB. Lines that cost
      // next to nothing either way say nothing (timer noise), and a line that costs under 2 ms at
      // the longest length a scan matches is harmless whatever its growth: only those count.
      let worst = { ratio: 0, small: 0, large: 0, line: '' };
      small.forEach((line, i) => {
        const [a, b] = costs(compiled.value, line, large[i]!);
        if (b > 2e6 && b / a > worst.ratio) worst = { ratio: b / a, small: a, large: b, line };
      });
      const what = `${rule.name}: ${(worst.small / 1e6).toFixed(2)} ms at 16 KiB, ${(worst.large / 1e6).toFixed(2)} ms at 64 KiB on ${JSON.stringify(worst.line.slice(0, 160))}...`;
      expect(worst.ratio, what).toBeLessThan(8);
    }, 120_000);
  }
});

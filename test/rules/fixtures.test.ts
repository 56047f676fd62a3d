import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptInput } from '../../src/core/attempts.js';
import { matchLine, roleOf } from '../../src/core/match.js';
import { createDateReader, parseIsoInstant, toIso } from '../../src/core/timestamp.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures, type Fixture } from '../helpers/fixtures.js';

// An expect line may add "counted": false to a match that the attempt counter must not count
// (the same attempt was counted through another line of its key, or a login that worked settled it).
type Extra = { counted?: boolean };

// Feeds every matched line of the file, in order, to one attempt counter; returns the counted line numbers.
function countedLines(fixture: Fixture, matcher: Parameters<typeof matchLine>[1], now: number): Set<number> {
  const counted = new Set<number>();
  const counter = createAttemptCounter<AttemptInput & { lineNo: number }>({ count: (m) => counted.add(m.lineNo) });
  const dates = createDateReader(now);
  for (const c of fixture.cases) {
    const v = matchLine(c.line, matcher);
    if (v.kind === 'miss' || v.kind === 'ignored') continue;
    counter.feed({ ip: v.ip, time: dates.read(c.line)?.time ?? now, pattern: v.pattern, line: c.line, role: roleOf(v), key: v.key, user: v.user, lineNo: c.lineNo });
  }
  counter.flush();
  return counted;
}

// One test per annotated log line in fixtures/rules/*.log, and one per file for the counting.
for (const fixture of ruleFixtures()) {
  describe(`rule ${fixture.rule} (${fixture.file.split('/').slice(-2).join('/')})`, () => {
    const saved = process.env['TZ'];
    beforeAll(() => { process.env['TZ'] = fixture.tz; });
    afterAll(() => { process.env['TZ'] = saved; });
    const spec = findRule(fixture.rule);
    it('is a built-in rule', () => expect(spec).toBeDefined());
    const compiled = compileMatcher(spec ? [spec] : [], [], []);
    const matcher = compiled.ok ? compiled.value : { prefilter: null, prefilterRe: null, units: [], ignore: [], guards: [] };
    const now = parseIsoInstant(fixture.now)!;
    it('has both matching and non-matching lines', () => {
      expect(fixture.cases.filter((c) => c.expect).length).toBeGreaterThanOrEqual(10);
      expect(fixture.cases.filter((c) => !c.expect).length).toBeGreaterThanOrEqual(5);
    });
    for (const c of fixture.cases) {
      it(`line ${c.lineNo}: ${c.expect ? c.expect.ip : 'no match'}`, () => {
        const v = matchLine(c.line, matcher);
        const failureLine = v.kind === 'match' || v.kind === 'companion';
        if (c.expect === null) {
          expect(failureLine ? v.kind : 'no failure', c.line).toBe('no failure');
          return;
        }
        expect(failureLine ? v.ip : v.kind, c.line).toBe(c.expect.ip);
        const time = createDateReader(now).read(c.line);
        expect(time ? toIso(time.time) : null, c.line).toBe(c.expect.time);
      });
    }
    it('counts attempts, not lines: every match counts unless marked "counted": false', () => {
      const counted = countedLines(fixture, matcher, now);
      const expected = fixture.cases.filter((c) => c.expect && (c.expect as Extra).counted !== false).map((c) => c.lineNo);
      expect([...counted].sort((a, b) => a - b)).toEqual(expected);
    });
  });
}

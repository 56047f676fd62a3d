import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchLine } from '../../src/core/match.js';
import { createDateReader, parseIsoInstant, toIso } from '../../src/core/timestamp.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures } from '../helpers/fixtures.js';

// One test per annotated log line in fixtures/rules/*.log.
for (const fixture of ruleFixtures()) {
  describe(`rule ${fixture.rule} (${fixture.file.split('/').slice(-2).join('/')})`, () => {
    const saved = process.env['TZ'];
    beforeAll(() => { process.env['TZ'] = fixture.tz; });
    afterAll(() => { process.env['TZ'] = saved; });
    const spec = findRule(fixture.rule);
    it('is a built-in rule', () => expect(spec).toBeDefined());
    const compiled = compileMatcher(spec ? [spec] : [], [], []);
    const matcher = compiled.ok ? compiled.value : { prefilter: null, prefilterRe: null, units: [], ignore: [] };
    const now = parseIsoInstant(fixture.now)!;
    it('has both matching and non-matching lines', () => {
      expect(fixture.cases.filter((c) => c.expect).length).toBeGreaterThanOrEqual(10);
      expect(fixture.cases.filter((c) => !c.expect).length).toBeGreaterThanOrEqual(10);
    });
    for (const c of fixture.cases) {
      it(`line ${c.lineNo}: ${c.expect ? c.expect.ip : 'no match'}`, () => {
        const v = matchLine(c.line, matcher);
        if (c.expect === null) {
          expect(v.kind, c.line).not.toBe('match');
          return;
        }
        expect(v.kind === 'match' ? v.ip : v.kind, c.line).toBe(c.expect.ip);
        const time = createDateReader(now).read(c.line);
        expect(time ? toIso(time.time) : null, c.line).toBe(c.expect.time);
      });
    }
  });
}

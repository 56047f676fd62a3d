import { describe, expect, it } from 'vitest';
import { matchLine } from '../../src/core/match.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures } from '../helpers/fixtures.js';

// Characters that end a line for some reader but not for logban (which splits on \n only) or that
// JavaScript's `.` stopped at: a client that puts one into its user name must not change which
// address a rule reads. Every matching fixture line (the injection cases among them, where a
// forged address stands before the real one) gets each of them just inside each closing character
// (where a quoted user name ends: > ' " ) ]) before the line's real address; the rule then reads
// the line's own address or nothing, never another one.
const SEPARATORS = ['\u2028', '\u2029', '\r', '\u0085', '\u000b', '\u000c', '\u0000'];

for (const fixture of ruleFixtures()) {
  describe(`rule ${fixture.rule} (${fixture.file.split('/').slice(-1)[0]}): separators inside a line`, () => {
    const compiled = compileMatcher([findRule(fixture.rule)!], [], []);
    it('reads its own address or none', () => {
      if (!compiled.ok) throw new Error(compiled.error);
      const wrong: string[] = [];
      for (const c of fixture.cases) {
        if (!c.expect) continue;
        // Client text comes before the address the daemon writes (after it: the daemon's own text).
        const real = c.line.lastIndexOf(c.expect.ip);
        for (let at = 1; at < real; at++) {
          if (!'>\'")]'.includes(c.line[at]!)) continue;
          for (const sep of SEPARATORS) {
            const line = c.line.slice(0, at) + sep + c.line.slice(at);
            const v = matchLine(line, compiled.value);
            if ((v.kind === 'match' || v.kind === 'companion' || v.kind === 'success') && v.ip !== c.expect.ip) wrong.push(`line ${c.lineNo}, ${JSON.stringify(sep)} at ${at}: read ${v.ip}, not ${c.expect.ip}`);
          }
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}

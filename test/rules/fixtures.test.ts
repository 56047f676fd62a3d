import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptInput } from '../../src/core/attempts.js';
import { createAddressRelay } from '../../src/core/connection-address.js';
import { matchLine, roleOf } from '../../src/core/match.js';
import { createDateReader, parseIsoInstant, toIso } from '../../src/core/timestamp.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures, type Fixture } from '../helpers/fixtures.js';

// An expect line may add "counted": false to a match that the attempt counter must not count
// (the same attempt was counted through another line of its key, or a login that worked settled it).
type Extra = { counted?: boolean };

// Feeds every matched line of the file, in order, to one attempt counter (through the address
// relay, for rules whose lines may name no address); returns the counted line numbers and the
// address each line that names none took from its connection.
function countLines(fixture: Fixture, matcher: Parameters<typeof matchLine>[1], now: number): { counted: Set<number>; lent: Map<number, string> } {
  const counted = new Set<number>();
  const lent = new Map<number, string>();
  type Line = AttemptInput & { lineNo: number };
  const counter = createAttemptCounter<Line>({ count: (m) => counted.add(m.lineNo) });
  const relay = createAddressRelay(counter, { withIp: (m, ip) => { lent.set(m.lineNo, ip); return { ...m, ip }; } });
  const dates = createDateReader(now);
  for (const c of fixture.cases) {
    const v = matchLine(c.line, matcher);
    const time = dates.read(c.line)?.time ?? now;
    if (v.kind === 'address' && v.key !== undefined) relay.lend(v.key, v.ip, time);
    if (v.kind === 'unaddressed') relay.borrow({ ip: '', time, pattern: v.pattern, line: c.line, role: 'companion', key: v.key, lineNo: c.lineNo }, v.key);
    if (v.kind !== 'match' && v.kind !== 'companion' && v.kind !== 'success') continue;
    relay.feed({ ip: v.ip, time, pattern: v.pattern, line: c.line, role: roleOf(v), key: v.key, user: v.user, lineNo: c.lineNo });
  }
  counter.flush();
  return { counted, lent };
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
    // A line that names no address is read with the address its connection's other lines name.
    // (computed in the first test that needs it, under the fixture's TZ)
    let lent: Map<number, string> | undefined;
    for (const c of fixture.cases) {
      it(`line ${c.lineNo}: ${c.expect ? c.expect.ip : 'no match'}`, () => {
        const v = matchLine(c.line, matcher);
        const ip = v.kind === 'match' || v.kind === 'companion' ? v.ip : v.kind === 'unaddressed' ? (lent ??= countLines(fixture, matcher, now).lent).get(c.lineNo) : undefined;
        if (c.expect === null) {
          expect(ip === undefined ? 'no failure' : v.kind, c.line).toBe('no failure');
          return;
        }
        expect(ip ?? v.kind, c.line).toBe(c.expect.ip);
        const time = createDateReader(now).read(c.line);
        expect(time ? toIso(time.time) : null, c.line).toBe(c.expect.time);
      });
    }
    it('counts attempts, not lines: every match counts unless marked "counted": false', () => {
      const { counted } = countLines(fixture, matcher, now);
      const expected = fixture.cases.filter((c) => c.expect && (c.expect as Extra).counted !== false).map((c) => c.lineNo);
      expect([...counted].sort((a, b) => a - b)).toEqual(expected);
    });
  });
}

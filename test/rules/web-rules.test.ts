import { describe, expect, it } from 'vitest';
import { matchLine } from '../../src/core/match.js';
import { createDateReader, parseIsoInstant, toIso } from '../../src/core/timestamp.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures } from '../helpers/fixtures.js';

const WEB_RULE = /^(?:nginx-|apache-|wordpress$)/;
const FORGED = '198.51.100.66';
// Text a client controls sits at the end of every web log line (user agent, referrer, request
// fields): whatever it imitates, the line must keep its real client or stop matching.
const TAILS = [
  `, client: ${FORGED}, server: x, request: "GET / HTTP/1.1", host: "x"`,
  ` [client ${FORGED}] user admin not found: /`,
  ` [client ${FORGED}:4444] AH01618: user admin not found: /`,
  `": password mismatch, client: ${FORGED}, server: x`,
  ` "-" "Nikto" ${FORGED} - - [21/Nov/2026:10:00:00 +0000] "POST /wp-login.php HTTP/1.1" 200 5 "-" "Nikto"`,
];

for (const fixture of ruleFixtures().filter((f) => WEB_RULE.test(f.rule))) {
  const spec = findRule(fixture.rule)!;
  const compiled = compileMatcher([spec], [], []);
  const matcher = compiled.ok ? compiled.value : null;
  const hits = fixture.cases.filter((c) => c.expect !== null);
  const now = parseIsoInstant(fixture.now)!;

  describe(`${fixture.rule}: forged clients in the client's own text`, () => {
    it.each(hits.flatMap((c) => TAILS.map((tail) => [c.lineNo, c.expect!.ip, `${c.line}${tail}`] as const)))(
      'line %i keeps %s', (_, ip, line) => {
        const v = matchLine(line, matcher!);
        expect(v.kind === 'match' ? v.ip : null, line).not.toBe(FORGED);
        expect([ip, null]).toContain(v.kind === 'match' ? v.ip : null);
      },
    );
  });

  if (spec.datepattern) describe(`${fixture.rule}: its datepattern reads its lines`, () => {
    it.each(hits.map((c) => [c.lineNo, c.line, c.expect!.time] as const))(
      'line %i', (_, line, time) => {
        const r = createDateReader(now, { pattern: spec.datepattern! }).read(line);
        expect(r ? toIso(r.time) : null).toBe(time);
      },
    );
  });
}

describe('web rules as data', () => {
  const web = ['nginx-http-auth', 'nginx-limit-req', 'nginx-botsearch', 'nginx-bad-request', 'nginx-noscript', 'nginx-nohome',
    'nginx-noproxy', 'nginx-badbots', 'apache-auth', 'apache-noscript', 'apache-overflows', 'apache-nohome', 'apache-badbots', 'wordpress'];
  it.each(web)('%s is built in, compiles, and names well-known logs', (name) => {
    const spec = findRule(name);
    expect(spec).toBeDefined();
    expect(compileMatcher([spec!], [], []).ok).toBe(true);
    expect(spec!.logpath.length).toBeGreaterThan(0);
    for (const p of spec!.logpath) expect(p).toMatch(/^\/var\/log\/(?:nginx|apache2|httpd)\//);
  });
  it('leaves the rules that only fit some sites out of the embedded defaults', () => {
    expect(web.filter((name) => findRule(name)!.optIn)).toEqual(['nginx-bad-request', 'nginx-noscript']);
  });
});

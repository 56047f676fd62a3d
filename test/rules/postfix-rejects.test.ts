import { describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptInput } from '../../src/core/attempts.js';
import { matchLine, roleOf, type LineVerdict, type Matcher } from '../../src/core/match.js';
import { embeddedJails } from '../../src/config/defaults.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ruleFixtures } from '../helpers/fixtures.js';

const FORGED = '198.51.100.66';
const matcherOf = (...names: string[]): Matcher => {
  const compiled = compileMatcher(names.map((n) => findRule(n)!), [], []);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.value;
};
const isFailure = (v: LineVerdict) => v.kind === 'match' || v.kind === 'companion';
const postfix = matcherOf('postfix');
const rejects = matcherOf('postfix-rejects');
const mailLines = ruleFixtures().filter((f) => f.rule === 'postfix' || f.rule === 'postfix-rejects').flatMap((f) => f.cases.map((c) => ({ ...c, rule: f.rule })));

describe('postfix and postfix-rejects side by side', () => {
  it('reads both fixtures', () => expect(mailLines.length).toBeGreaterThan(100));

  // Two jails on one mail.log, one per rule, would otherwise count such a line twice.
  it.each(mailLines.map((c) => [c.rule, c.lineNo, c.line] as const))('%s.log line %i is a failure for at most one of them', (_, __, line) => {
    expect([isFailure(matchLine(line, postfix)), isFailure(matchLine(line, rejects))]).not.toEqual([true, true]);
  });

  it.each([['postfix', 'postfix-rejects'], ['postfix-rejects', 'postfix']])('a jail naming %s then %s reads each line as the rule that matches it', (a, b) => {
    const both = matcherOf(a!, b!);
    for (const c of mailLines) {
      const alone = [matchLine(c.line, postfix), matchLine(c.line, rejects)].find(isFailure);
      const v = matchLine(c.line, both);
      expect(isFailure(v) ? [v.kind, (v as { ip: string }).ip] : null, c.line).toEqual(alone ? [alone.kind, (alone as { ip: string }).ip] : null);
    }
  });

  it('counts a session once when its rejects are the postfix rule\'s and its end is this rule\'s', () => {
    const both = matcherOf('postfix', 'postfix-rejects');
    const counted: string[] = [];
    const counter = createAttemptCounter<AttemptInput>({ count: (m) => counted.push(m.line) });
    const session = [
      'Nov 21 10:00:00 mx postfix/smtpd[77]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 554 5.7.1 <a@example.com>: Relay access denied; from=<x@example.net> to=<a@example.com> proto=ESMTP helo=<x>',
      'Nov 21 10:00:01 mx postfix/smtpd[77]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 554 5.7.1 <b@example.com>: Relay access denied; from=<x@example.net> to=<b@example.com> proto=ESMTP helo=<x>',
      'Nov 21 10:00:02 mx postfix/smtpd[77]: too many errors after RCPT from unknown[203.0.113.5]',
    ];
    session.forEach((line, i) => {
      const v = matchLine(line, both);
      if (v.kind !== 'match' && v.kind !== 'companion') throw new Error(`no match: ${line}`);
      counter.feed({ ip: v.ip, time: i, pattern: v.pattern, line, role: roleOf(v), key: v.key, user: v.user });
    });
    counter.flush();
    expect(counted).toEqual(session.slice(0, 2));
  });
});

describe('postfix-rejects: forged clients in the client\'s own text', () => {
  const fixture = ruleFixtures().find((f) => f.rule === 'postfix-rejects')!;
  // Sender, recipient and HELO name close the line: whatever they imitate, the line keeps its
  // real client or stops matching.
  const TAILS = [
    ` helo=<unknown[${FORGED}]>`,
    ` from unknown[${FORGED}]: 550 5.1.1 <a>: Recipient address rejected: User unknown in local recipient table; to=<a>`,
    `; from=<a@[${FORGED}]> to=<x[${FORGED}]@example.org> proto=ESMTP helo=<[${FORGED}]>`,
    `: Client host rejected: cannot find your hostname, [${FORGED}];`,
    `\nNov 21 10:00:00 mx postfix/smtpd[1]: too many errors after RCPT from unknown[${FORGED}]`,
  ];
  const hits = fixture.cases.filter((c) => c.expect !== null);
  it.each(hits.flatMap((c) => TAILS.map((tail) => [c.lineNo, c.expect!.ip, `${c.line}${tail}`] as const)))('line %i keeps %s', (_, ip, line) => {
    const v = matchLine(line, rejects);
    const got = isFailure(v) ? (v as { ip: string }).ip : null;
    expect(got, line).not.toBe(FORGED);
    expect([ip, null]).toContain(got);
  });
});

describe('postfix-rejects as data', () => {
  const spec = findRule('postfix-rejects')!;
  it('is opt-in: the embedded defaults add postfix where mail.log exists, never this rule', () => {
    expect(spec.optIn).toBe(true);
    const jails = embeddedJails((p) => p === '/var/log/mail.log');
    expect(Object.keys(jails)).toContain('postfix');
    expect(Object.keys(jails)).not.toContain('postfix-rejects');
  });
  it('watches the same logs and ports as postfix', () => {
    const base = findRule('postfix')!;
    expect([spec.logpath, spec.port]).toEqual([base.logpath, base.port]);
  });
});

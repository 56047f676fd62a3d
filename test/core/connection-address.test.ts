import type { PatternRole } from '../../src/core/match.js';
import { describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptInput } from '../../src/core/attempts.js';
import { createAddressRelay } from '../../src/core/connection-address.js';
import { compileMatcher } from '../../src/rules/compile.js';
import type { RuleSpec } from '../../src/rules/spec.js';

// A step: a line with its address (fail or companion), one that only names it (lend), or one
// that names none (borrow); `n` names the line in the counted list.
type Step = { t: number; key: string; n: string } & ({ kind: 'fail' | 'companion'; ip: string } | { kind: 'lend'; ip: string } | { kind: 'borrow' });

// Runs the steps through the relay and the counter; returns the counted lines as "n@ip".
function run(steps: readonly Step[]): string[] {
  const counted: string[] = [];
  type Line = AttemptInput & { n: string };
  const counter = createAttemptCounter<Line>({ count: (m) => counted.push(`${m.n}@${m.ip}`) });
  const relay = createAddressRelay(counter);
  for (const s of steps) {
    const base = { time: s.t, pattern: 0, line: '', key: s.key, n: s.n };
    if (s.kind === 'lend') relay.lend(s.key, s.ip, s.t);
    else if (s.kind === 'borrow') relay.borrow({ ...base, ip: '', role: 'companion' }, s.key);
    else relay.feed({ ...base, ip: s.ip, role: s.kind === 'fail' ? 'fail' : 'companion' });
  }
  counter.flush();
  return counted.sort();
}

describe('lines that name no address take their connection\'s', () => {
  const table: { name: string; steps: Step[]; counted: string[] }[] = [
    { name: 'from a line after it', steps: [{ t: 0, key: '1', n: 'kex', kind: 'borrow' }, { t: 0, key: '1', n: 'close', kind: 'lend', ip: '203.0.113.1' }], counted: ['kex@203.0.113.1'] },
    { name: 'from a line before it', steps: [{ t: 0, key: '1', n: 'from', kind: 'lend', ip: '203.0.113.1' }, { t: 30, key: '1', n: 'read', kind: 'borrow' }], counted: ['read@203.0.113.1'] },
    { name: 'a fail of the connection counts instead of it', steps: [{ t: 0, key: '1', n: 'kex', kind: 'borrow' }, { t: 0, key: '1', n: 'banner', kind: 'fail', ip: '203.0.113.1' }], counted: ['banner@203.0.113.1'] },
    { name: 'with a companion of the connection, once', steps: [{ t: 0, key: '1', n: 'tries', kind: 'borrow' }, { t: 1, key: '1', n: 'close', kind: 'companion', ip: '203.0.113.1' }], counted: ['tries@203.0.113.1'] },
    { name: 'never another pid\'s', steps: [{ t: 0, key: '1', n: 'from', kind: 'lend', ip: '203.0.113.1' }, { t: 1, key: '2', n: 'kex', kind: 'borrow' }], counted: [] },
    { name: 'never an address older than two minutes (a reused pid)', steps: [{ t: 0, key: '1', n: 'from', kind: 'lend', ip: '203.0.113.1' }, { t: 121, key: '1', n: 'read', kind: 'borrow' }], counted: [] },
    { name: 'nor one named more than two minutes after it', steps: [{ t: 0, key: '1', n: 'kex', kind: 'borrow' }, { t: 121, key: '1', n: 'close', kind: 'lend', ip: '203.0.113.1' }], counted: [] },
    { name: 'the newest address of a reused pid', steps: [{ t: 0, key: '1', n: 'a', kind: 'lend', ip: '203.0.113.1' }, { t: 60, key: '1', n: 'b', kind: 'lend', ip: '203.0.113.2' }, { t: 61, key: '1', n: 'kex', kind: 'borrow' }], counted: ['kex@203.0.113.2'] },
    { name: 'nothing when no line names it', steps: [{ t: 0, key: '1', n: 'kex', kind: 'borrow' }], counted: [] },
  ];
  for (const row of table) it(row.name, () => expect(run(row.steps)).toEqual(row.counted));
});

describe('rules with lines that name no address', () => {
  const rule = (patterns: string[], roles: PatternRole[]): RuleSpec => ({
    name: 't', description: '', prefilter: [], prefix: '^x\\[(?<key>\\d+)\\]: ', failregex: patterns.map((pattern, i) => ({ pattern, role: roles[i]! })), ignoreregex: [], logpath: [], port: [],
  });
  it('are compiled when the pattern without <HOST> is unaddressed', () => {
    expect(compileMatcher([rule(['gone$', 'from <HOST>$'], ['unaddressed', 'address'])], [], []).ok).toBe(true);
  });
  it('are refused when a pattern\'s <HOST> disagrees with its role', () => {
    const noHost = compileMatcher([rule(['gone$'], ['companion'])], [], []);
    const withHost = compileMatcher([rule(['gone <HOST>$'], ['unaddressed'])], [], []);
    expect([noHost.ok ? '' : noHost.error, withHost.ok ? '' : withHost.error]).toEqual([
      'rule t: pattern 0 has no <HOST>', 'rule t: pattern 0 is unaddressed but has <HOST>',
    ]);
  });
});

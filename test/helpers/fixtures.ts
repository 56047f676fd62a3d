import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';

export type Expectation = { ip: string; time: string } | null;
export type FixtureCase = { lineNo: number; line: string; expect: Expectation };
export type Fixture = { file: string; rule: string; now: string; tz: string; cases: FixtureCase[] };

// Reads an annotated fixture: header lines (# rule:, # now:, # tz:), then one "# expect:" line
// (JSON or "none") directly above every log line.
export function readFixture(path: string): Fixture {
  const lines = readFileSync(path, 'utf8').split('\n');
  const header: Record<string, string> = {};
  const cases: FixtureCase[] = [];
  let pending: Expectation | undefined;
  lines.forEach((line, i) => {
    const meta = /^# (rule|now|tz): (.+)$/.exec(line);
    if (meta) { header[meta[1]!] = meta[2]!.trim(); return; }
    const exp = /^# expect: (.+)$/.exec(line);
    if (exp) {
      if (pending !== undefined) throw new Error(`${path}:${i + 1}: two expect lines in a row`);
      pending = exp[1]!.trim() === 'none' ? null : (JSON.parse(exp[1]!) as Expectation);
      return;
    }
    if (line.startsWith('#') || line.trim() === '') return;
    if (pending === undefined) throw new Error(`${path}:${i + 1}: log line without an expect line`);
    cases.push({ lineNo: i + 1, line, expect: pending });
    pending = undefined;
  });
  if (!header['rule'] || !header['now']) throw new Error(`${path}: needs "# rule:" and "# now:" headers`);
  return { file: path, rule: header['rule'], now: header['now'], tz: header['tz'] ?? 'UTC', cases };
}

export function ruleFixtures(): Fixture[] {
  const dir = join(ROOT, 'fixtures/rules');
  return readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => readFixture(join(dir, f)));
}

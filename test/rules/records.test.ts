import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachCandidateLine, matchLine } from '../../src/core/match.js';
import { createGuardStage, createTaintCursor } from '../../src/core/record-guard.js';
import { compileMatcher } from '../../src/rules/compile.js';
import { findRule } from '../../src/rules/library.js';
import { ROOT } from '../helpers/cli.js';

// fixtures/records/*.log: cases of several raw lines each ("# case:", "# rule:", "# counts:" then
// the lines), read as one log through the record guard and the rule, as a scan reads them.
type Case = { title: string; rule: string; counts: Record<string, number>; text: string; at: string };

function readCases(path: string): Case[] {
  const cases: Case[] = [];
  let cur: Case | undefined;
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    const meta = /^# (case|rule|counts): (.*)$/.exec(line);
    if (meta?.[1] === 'case') { cur = { title: meta[2]!, rule: '', counts: {}, text: '', at: `${path}:${i + 1}` }; cases.push(cur); return; }
    if (meta && cur) { if (meta[1] === 'rule') cur.rule = meta[2]!; else cur.counts = JSON.parse(meta[2]!) as Record<string, number>; return; }
    if (line.startsWith('#') || line === '' || !cur) return;
    cur.text += `${line}\n`;
  });
  return cases;
}

// What the rule counts per address when `text` is read in pieces of `piece` characters cut at
// newlines (as chunks arrive), through the guard.
function countsOf(rule: string, text: string, piece: number): Record<string, number> {
  const compiled = compileMatcher([findRule(rule)!], [], []);
  if (!compiled.ok) throw new Error(compiled.error);
  const matcher = compiled.value;
  const counts: Record<string, number> = {};
  const count = (line: string) => {
    const v = matchLine(line, matcher, true);
    if (v.kind === 'match' || v.kind === 'companion') counts[v.ip] = (counts[v.ip] ?? 0) + 1;
  };
  const stage = createGuardStage(matcher.guards, (chunk, taint, joined) => {
    const tainted = createTaintCursor(taint);
    forEachCandidateLine(chunk, matcher.prefilterRe, (line, start) => { if (!tainted(start)) count(line); });
    for (const j of joined) count(j.line);
  });
  for (let at = 0; at < text.length;) {
    let end = text.indexOf('\n', Math.min(text.length - 1, at + piece - 1)) + 1;
    if (end === 0) end = text.length;
    stage.write(text.slice(at, end));
    at = end;
  }
  stage.end();
  return counts;
}

const dir = join(ROOT, 'fixtures/records');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
  describe(`records: ${file}`, () => {
    const cases = readCases(join(dir, file));
    it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(8));
    for (const c of cases) {
      it(`${c.title} (${c.at})`, () => {
        expect(findRule(c.rule), c.rule).toBeDefined();
        // Whole, and in pieces that cut the record between chunks.
        for (const piece of [1 << 20, 300, 1]) expect(countsOf(c.rule, c.text, piece), `piece ${piece}:\n${c.text}`).toEqual(c.counts);
      });
    }
  });
}

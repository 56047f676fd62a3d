import { describe, expect, it } from 'vitest';
import { numberGroups } from '../../src/rules/capture-groups.js';

describe('numberGroups', () => {
  it.each<[string, string, Record<string, number>]>([
    ['^(?<a>x)(y)(?<b>z)$', '^(x)(y)(z)$', { a: 1, b: 3 }],
    ['(?:n)(?=l)(?!m)(?<=p)(?<!q)(?<c>r)', '(?:n)(?=l)(?!m)(?<=p)(?<!q)(r)', { c: 1 }],
    ['\\((?<d>e)\\)[(?<x>]', '\\((e)\\)[(?<x>]', { d: 1 }],
    ['[\\]](?<e>f)[^\\\\(]', '[\\]](f)[^\\\\(]', { e: 1 }],
    ['(?<w>\\w)-\\k<w>', '(\\w)-(?:\\1)', { w: 1 }],
  ])('%s', (source, numbered, names) => {
    const r = numberGroups(source);
    expect(r.source).toBe(numbered);
    expect(Object.fromEntries(r.index)).toEqual(names);
  });

  it('captures the same text as the named regex', () => {
    const source = '^(?<pre>[a-z]+)\\[(?<key>\\d+)\\]: (?:(a) (?<lbh0>\\S+)|b (?<lbh1>\\S+))$';
    const r = numberGroups(source);
    for (const line of ['sshd[12]: a 203.0.113.5', 'sshd[13]: b 2001:db8::1']) {
      const named = new RegExp(source).exec(line)!.groups!;
      const m = new RegExp(r.source).exec(line)!;
      for (const [name, i] of r.index) expect(m[i]).toBe(named[name]);
    }
  });
});

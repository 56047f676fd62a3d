import { describe, expect, it } from 'vitest';
import { escapeOutput, escapeUnsafe, safeJson, stripUnsafe } from '../../src/core/text-safety.js';

// [name, character, how a text output shows it]
const UNSAFE: readonly [string, string, string][] = [
  ['NUL', '\u0000', '\\x00'],
  ['BEL', '\u0007', '\\x07'],
  ['backspace', '\b', '\\x08'],
  ['carriage return', '\r', '\\x0d'],
  ['ESC', '\u001b', '\\x1b'],
  ['unit separator', '\u001f', '\\x1f'],
  ['DEL', '\u007f', '\\x7f'],
  ['C1 PAD', '\u0080', '\\x80'],
  ['NEL', '\u0085', '\\x85'],
  ['CSI', '\u009b', '\\x9b'],
  ['APC', '\u009f', '\\x9f'],
  ['soft hyphen', '\u00ad', '\\xad'],
  ['Arabic letter mark', '\u061c', '\\u061c'],
  ['Mongolian vowel separator', '\u180e', '\\u180e'],
  ['zero-width space', '\u200b', '\\u200b'],
  ['zero-width joiner', '\u200d', '\\u200d'],
  ['LRM', '\u200e', '\\u200e'],
  ['RLM', '\u200f', '\\u200f'],
  ['line separator', '\u2028', '\\u2028'],
  ['paragraph separator', '\u2029', '\\u2029'],
  ['LRE', '\u202a', '\\u202a'],
  ['RLO', '\u202e', '\\u202e'],
  ['word joiner', '\u2060', '\\u2060'],
  ['invisible plus', '\u2064', '\\u2064'],
  ['LRI', '\u2066', '\\u2066'],
  ['PDI', '\u2069', '\\u2069'],
  ['nominal digit shapes', '\u206f', '\\u206f'],
  ['BOM / ZWNBSP', '\ufeff', '\\ufeff'],
  ['interlinear annotation', '\ufff9', '\\ufff9'],
  ['tag A', '\u{e0041}', '\\u{e0041}'],
  ['cancel tag', '\u{e007f}', '\\u{e007f}'],
];

// Characters that stay as they are everywhere.
const SAFE = ['a', ' ', '\t', 'é', 'ü', '\u00a0', '\u00ae', '日本', '\u2030', '\u2070', '\ufffd', '😀', '\u{e0080}'];

describe('text safety: one set of characters for every output', () => {
  it.each(UNSAFE)('%s is shown as an escape in a value and in an output, and is a JSON escape', (_name, c, shown) => {
    const text = `user${c}name`;
    expect(escapeUnsafe(text)).toBe(`user${shown}name`);
    expect(escapeOutput(text)).toBe(`user${shown}name`);
    expect(escapeOutput(text, true)).toBe(`user${shown}name`);
    const json = safeJson({ text });
    expect(json).not.toContain(c);
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect((JSON.parse(json) as { text: string }).text).toBe(text);
    expect(stripUnsafe(text)).toBe('username');
  });

  it.each(SAFE)('%j stays as it is', (c) => {
    expect(escapeUnsafe(`a${c}b`)).toBe(`a${c}b`);
    expect(escapeOutput(`a${c}b`)).toBe(`a${c}b`);
    expect(JSON.parse(safeJson(`a${c}b`))).toBe(`a${c}b`);
  });

  it('a value shows its newline; a whole output keeps its lines', () => {
    expect(escapeUnsafe('one\ntwo')).toBe('one\\x0atwo');
    expect(escapeOutput('one\ntwo\n')).toBe('one\ntwo\n');
  });

  it('a styled report keeps its colour sequences and nothing else', () => {
    const styled = '\u001b[1mlogban\u001b[22m \u001b[33;1mwarning:\u001b[39m';
    expect(escapeOutput(styled, true)).toBe(styled);
    expect(escapeOutput(styled)).toBe('\\x1b[1mlogban\\x1b[22m \\x1b[33;1mwarning:\\x1b[39m');
    expect(escapeOutput('title \u001b]0;owned\u0007 \u001b[2J', true)).toBe('title \\x1b]0;owned\\x07 \\x1b[2J');
  });

  it('safeJson keeps the indentation and the escapes JSON.stringify writes', () => {
    expect(safeJson({ a: ['\u001b\t\n'] }, 2)).toBe('{\n  "a": [\n    "\\u001b\\t\\n"\n  ]\n}');
    expect(safeJson({ a: '\u202e\u0085\u007f\u2028' })).toBe('{"a":"\\u202e\\u0085\\u007f\\u2028"}');
    expect(safeJson({ a: '\u{e0041}' })).toBe('{"a":"\\udb40\\udc41"}');
    expect(safeJson(undefined)).toBe('null');
  });
});

// The import plan as logban.toml text: regexes in single-quoted literal strings where they can
// be (no escaping to undo), a list item per line, comments above what they speak of.
import type { ImportPlan, Table, TomlValue } from './plan.js';

const REGEX_KEYS = ['failregex', 'ignoreregex', 'prefregex'];

// A TOML string: a regex literal ('...') when it holds no quote and no control character, else basic.
export function tomlString(s: string, regex = false): string {
  // eslint-disable-next-line no-control-regex
  if (regex && !/['\u0000-\u001f\u007f]/.test(s)) return `'${s}'`;
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

// A key as TOML takes it bare, or quoted.
const tomlKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k));

// A comment's text on one line each (no newline of a value can end the comment early).
const comment = (text: string, indent = '') => text.split('\n').map((l) => `${indent}# ${l}`.trimEnd());

function value(v: TomlValue, regex: boolean): string[] {
  if (typeof v === 'string') return [tomlString(v, regex)];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (v.every((i) => !i.comments || i.comments.length === 0) && v.reduce((n, i) => n + i.text.length + 4, 0) < 70) {
    return [`[${v.map((i) => tomlString(i.text, regex)).join(', ')}]`];
  }
  const out = ['['];
  for (const item of v) {
    for (const c of item.comments ?? []) out.push(...comment(c, '  '));
    out.push(`  ${tomlString(item.text, regex)},`);
  }
  out.push(']');
  return out;
}

function table(t: Table): string[] {
  const head = t.name.split('.').map(tomlKey).join('.');
  const out: string[] = [];
  for (const c of t.comments) out.push(...comment(c));
  const body: string[] = [`[${head}]`];
  for (const e of t.entries) {
    for (const c of e.comments ?? []) body.push(...comment(c));
    const [first, ...rest] = value(e.value, REGEX_KEYS.includes(e.key));
    body.push(`${tomlKey(e.key)} = ${first}`, ...rest);
  }
  out.push(...(t.commentedOut ? body.map((l) => `# ${l}`) : body));
  return out;
}

// The whole file.
export function writeToml(plan: ImportPlan): string {
  const parts = [plan.header.flatMap((h) => comment(h)).join('\n')];
  for (const t of plan.tables) parts.push(table(t).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

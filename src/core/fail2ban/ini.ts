// fail2ban's config files, read as Python's ConfigParser reads them for fail2ban: sections,
// `key = value` or `key: value` (keys in lower case), values continued on more-indented lines,
// whole-line comments (# or ;), inline comments only after a space and `;` (a `#` inside a value
// is part of it), empty lines kept inside a value. A file that breaks these rules is one that
// fail2ban itself refuses to read, so it is an error naming the file and line.
import { err, ok, type Result } from '../result.js';

/** One value with where it was written (for messages). */
export type IniValue = { readonly value: string; readonly file: string; readonly line: number };
/** One section's settings by key (lower case). */
export type IniSection = Map<string, IniValue>;
/** A parsed file: [DEFAULT] apart, the other sections in file order. */
export type IniFile = { readonly file: string; readonly defaults: IniSection; readonly sections: Map<string, IniSection> };
/** Why a file cannot be read as fail2ban reads it, with its line (0: the whole file). */
export type IniError = { readonly file: string; readonly line: number; readonly message: string };

// The text before an inline `;` comment (one at the start or after white space).
function stripInline(line: string): string {
  for (let i = line.indexOf(';'); i !== -1; i = line.indexOf(';', i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return line.slice(0, i);
  }
  return line;
}

// Parses one file's text; `file` names it in errors and in every value.
export function parseIni(text: string, file: string): Result<IniFile, IniError> {
  const defaults = new Map<string, { lines: string[]; line: number }>();
  const sections = new Map<string, Map<string, { lines: string[]; line: number }>>();
  let current: Map<string, { lines: string[]; line: number }> | null = null;
  let currentName = '';
  // The lines of the value being read, while more-indented lines may continue it.
  let pending: string[] | null = null;
  let indent = Number.MAX_SAFE_INTEGER;
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const isComment = /^\s*[#;]/.test(raw);
    const value = isComment ? '' : stripInline(raw).trim();
    if (value === '') {
      if (!isComment && pending) pending.push('');
      continue;
    }
    const level = raw.search(/\S/);
    if (pending && level > indent) {
      pending.push(value);
      continue;
    }
    indent = level;
    pending = null;
    if (value.startsWith('[') && value.lastIndexOf(']') > 1) {
      currentName = value.slice(1, value.lastIndexOf(']'));
      if (seen.has(`[${currentName}]`)) return err({ file, line: lineNo, message: `section [${currentName}] appears twice in this file (fail2ban refuses it): merge the two` });
      seen.add(`[${currentName}]`);
      if (currentName === 'DEFAULT') current = defaults;
      else {
        current = sections.get(currentName) ?? new Map();
        sections.set(currentName, current);
      }
      continue;
    }
    if (current === null) return err({ file, line: lineNo, message: 'a setting before any [section] header (fail2ban refuses the file): start the file with a section such as [DEFAULT]' });
    const m = /^(.*?)\s*[=:]\s*(.*)$/s.exec(value);
    if (!m || m[1] === '') return err({ file, line: lineNo, message: `"${value.slice(0, 60)}" is neither a [section], a "key = value" line nor an indented continuation (fail2ban refuses the file): indent it under its setting or fix it` });
    const key = m[1]!.toLowerCase();
    if (seen.has(`${currentName}\0${key}`)) return err({ file, line: lineNo, message: `"${key}" is set twice in [${currentName}] (fail2ban refuses the file): keep one` });
    seen.add(`${currentName}\0${key}`);
    const entry = { lines: [m[2]!], line: lineNo };
    current.set(key, entry);
    pending = entry.lines;
  }
  const finish = (s: Map<string, { lines: string[]; line: number }>): IniSection =>
    new Map([...s].map(([k, v]) => [k, { value: v.lines.join('\n').trimEnd(), file, line: v.line }]));
  return ok({ file, defaults: finish(defaults), sections: new Map([...sections].map(([n, s]) => [n, finish(s)])) });
}

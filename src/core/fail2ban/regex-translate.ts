// One fail2ban regex (Python syntax, fail2ban's tags, matched against the line with its date cut
// out) as a logban pattern (JavaScript syntax, one <HOST>, matched against the whole line).
// - tags: <HOST>, <ADDR>, <IP4>, <IP6> (addresses only: logban never reads a host name),
//   <F-USER> as logban's `user` capture, other <F-...> groups as plain groups;
// - Python: (?P<n>...) and (?P=n), \Z and \A, (?i) (spelled out as [aA], JavaScript having no
//   inline flags), a class that starts with `]`;
// - the date: fail2ban matches the line without its date, so a top-level `^` may be followed by
//   the date and an empty `\[\]` (where a bracketed date was) holds it.
import { err, ok, type Result } from '../result.js';

export type PatternKind = 'failregex' | 'ignoreregex' | 'prefregex';

/** An address without a capture, for ignoreregex (logban expands <HOST> only in failregex). */
export const ADDRESS = String.raw`(?:(?:\d{1,3}\.){3}\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?)`;

export type Translated = { readonly source: string; readonly hosts: number };

type State = { out: string; hosts: number; user: boolean; depth: number; folds: boolean[] };

const HOST_TAGS: Readonly<Record<string, string>> = {
  HOST: '', ADDR: '', 'F-ADDR': '', IP4: String.raw`(?=(?:\d{1,3}\.){3}\d)`, 'F-IP4': String.raw`(?=(?:\d{1,3}\.){3}\d)`,
  IP6: String.raw`(?=[0-9A-Fa-f]{0,4}:)`, 'F-IP6': String.raw`(?=[0-9A-Fa-f]{0,4}:)`,
};

// Both cases of a letter, as a class when they differ.
const folded = (c: string) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c);

// A character class from `[` at i: its JavaScript text and where it ends.
function readClass(src: string, i: number, fold: boolean): Result<{ text: string; end: number }, string> {
  let j = i + 1;
  let text = '[';
  if (src[j] === '^') { text += '^'; j++; }
  if (src[j] === ']') { text += '\\]'; j++; }
  const extra: string[] = [];
  for (; j < src.length && src[j] !== ']'; j++) {
    const c = src[j]!;
    if (c === '\\') {
      text += src.slice(j, j + 2);
      j++;
      continue;
    }
    if (c === '[') { text += '\\['; continue; }
    text += c;
    if (fold && c.toLowerCase() !== c.toUpperCase()) {
      const range = src[j + 1] === '-' && src[j + 2] !== undefined && src[j + 2] !== ']' ? src[j + 2]! : null;
      if (range !== null && range.toLowerCase() !== range.toUpperCase()) {
        extra.push(`${swap(c)}-${swap(range)}`);
        text += `-${range}`;
        j += 2;
      } else extra.push(swap(c));
    }
  }
  if (j >= src.length) return err('a character class is not closed');
  return ok({ text: `${text}${extra.join('')}]`, end: j + 1 });
}

const swap = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

// A fail2ban tag at i (`<HOST>`, `<F-USER>`, `</F-USER>`, `<F-ID/>`): its translation, or null for text that is no tag.
function readTag(src: string, i: number, kind: PatternKind, st: State): Result<{ text: string; end: number } | null, string> {
  const m = /^<(\/?)([A-Za-z][\w-]*)(\/?)>/.exec(src.slice(i));
  if (!m) return ok(null);
  const [whole, close, name, self] = [m[0], m[1]!, m[2]!.toUpperCase(), m[3]!];
  const end = i + whole.length;
  const host = HOST_TAGS[name];
  if (host !== undefined && !close) {
    st.hosts++;
    return ok({ text: kind === 'ignoreregex' ? `\\[?${host}${ADDRESS}\\]?` : `\\[?${host}<HOST>\\]?`, end });
  }
  if (name === 'DNS' || name === 'F-DNS' || name === 'SUBNET' || name === 'F-SUBNET' || name === 'CIDR' || name === 'F-CIDR') {
    return err(`<${name}> matches host names or networks, which logban never reads (it bans addresses only)`);
  }
  if (name === 'F-MLFID' || name === 'SKIPLINES') return err(`<${name}> makes it a multi-line filter, which logban has no form of`);
  if (name === 'F-NOFAIL' && kind === 'failregex') return err('<F-NOFAIL> marks lines that are no failure (they only relate the lines of a multi-line filter)');
  if (!name.startsWith('F-')) return ok(null);
  if (self) return ok({ text: name === 'F-PORT' ? String.raw`(?:\w+)` : String.raw`(?:\S+)`, end });
  if (close) return ok({ text: ')', end });
  if (name === 'F-USER' && !st.user && kind !== 'ignoreregex') {
    st.user = true;
    return ok({ text: '(?<user>', end });
  }
  return ok({ text: '(?:', end });
}

// A group opening at i; Python's named groups keep their names (prefixed, away from logban's own).
function readGroup(src: string, i: number, st: State): Result<{ text: string; end: number; fold?: boolean }, string> {
  const rest = src.slice(i);
  let m = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
  if (m) return ok({ text: `(?<f2b_${m[1]}>`, end: i + m[0].length });
  m = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
  if (m) return ok({ text: `\\k<f2b_${m[1]}>`, end: i + m[0].length, fold: undefined });
  if (rest.startsWith('(?(')) return err('a conditional group (?(name)...|...) has no JavaScript form');
  m = /^\(\?#[^)]*\)/.exec(rest);
  if (m) return ok({ text: '', end: i + m[0].length });
  m = /^\(\?([aiLmsux]*)(?:-([imsx]+))?:/.exec(rest);
  if (m && (m[1] !== '' || m[2] !== undefined)) {
    if (/[mx]/.test(m[1]!)) return err(`flags (?${m[1]}:...) have no JavaScript form`);
    const fold = m[1]!.includes('i') ? true : m[2]?.includes('i') ? false : st.folds[st.folds.length - 1]!;
    return ok({ text: '(?:', end: i + m[0].length, fold });
  }
  if (/^\(\?[aiLmsux]+\)/.test(rest)) return err('an inline flag such as (?i) in the middle of the pattern (Python accepts it only at the start)');
  m = /^\((?:\?(?::|=|!|<=|<!))?/.exec(rest)!;
  return ok({ text: m[0], end: i + m[0].length });
}

// Translates one pattern; `date` is the regex of the dates the jail's lines may start with ('' for
// a failregex after a prefregex: it reads what follows the prefix).
export function translateRegex(source: string, kind: PatternKind, date: string): Result<Translated, string> {
  if (source.includes('\n')) return err('it spans lines (a multi-line filter)');
  const flags = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (flags && /[mx]/.test(flags[1]!)) return err(`the flags (?${flags[1]}) have no JavaScript form`);
  const st: State = { out: '', hosts: 0, user: false, depth: 0, folds: [flags?.[1]!.includes('i') ?? false] };
  const dateOpt = `(?:${date})?`;
  for (let i = flags ? flags[0].length : 0; i < source.length;) {
    const c = source[i]!;
    const fold = st.folds[st.folds.length - 1]!;
    if (source.startsWith('\\[\\]', i)) { st.out += `\\[${dateOpt}\\]`; i += 4; continue; }
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return err('it ends with a lone backslash');
      const hex = /^\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})/.exec(source.slice(i));
      if (hex) { st.out += hex[0]; i += hex[0].length; continue; }
      if (next === 'N' || next === 'U') return err(`\\${next} (a named or long character escape) has no JavaScript form here`);
      st.out += next === 'Z' ? '$' : next === 'A' ? '^' : `\\${next}`;
      i += 2;
      continue;
    }
    if (c === '[') {
      const cls = readClass(source, i, fold);
      if (!cls.ok) return cls;
      st.out += cls.value.text;
      i = cls.value.end;
      continue;
    }
    if (c === '<') {
      const tag = readTag(source, i, kind, st);
      if (!tag.ok) return tag;
      if (tag.value) {
        const text = tag.value.text;
        st.out += text;
        if (text === '(?:' || text === '(?<user>') { st.depth++; st.folds.push(fold); }
        if (text === ')') {
          if (st.depth === 0) return err('a closing </F-...> tag closes no group');
          st.depth--;
          st.folds.pop();
        }
        i = tag.value.end;
        continue;
      }
    }
    if (c === '(') {
      const g = readGroup(source, i, st);
      if (!g.ok) return g;
      st.out += g.value.text;
      if (g.value.text.startsWith('(')) { st.depth++; st.folds.push(g.value.fold ?? fold); }
      i = g.value.end;
      continue;
    }
    if (c === ')') {
      if (st.depth === 0) return err('a ")" closes no group');
      st.depth--;
      st.folds.pop();
      st.out += ')';
      i++;
      continue;
    }
    // No log format puts its date before a line-leading address (access logs: `^<HOST> - -`).
    if (c === '^' && st.depth === 0) { st.out += date === '' || /^<(?:HOST|ADDR|IP4|IP6)>/.test(source.slice(i + 1)) ? '^' : `^${dateOpt}`; i++; continue; }
    st.out += fold ? folded(c) : c;
    i++;
  }
  if (st.depth !== 0) return err('a "(" is not closed');
  return ok({ source: st.out, hosts: st.hosts });
}

// Whether a pattern reads its address where a client cannot put one: anchored at the start with
// no `.*`/`.+` before the address, or anchored at both ends.
export function isAnchored(fail2banSource: string): boolean {
  const body = fail2banSource.replace(/^\(\?[a-zA-Z]+\)/, '');
  if (!body.startsWith('^')) return false;
  const at = body.search(/<(?:HOST|ADDR|IP4|IP6|F-IP4\/|F-IP6\/|F-ADDR\/)>/);
  const before = at < 0 ? body : body.slice(0, at);
  return !/(?<!\\)\.[*+]|(?<!\\)\.\{\d*,\}/.test(before) || /(?<!\\)\$$/.test(body);
}

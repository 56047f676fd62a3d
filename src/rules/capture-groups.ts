// Named groups make V8 build a `groups` object on every successful exec, which costs more than
// the match itself on a busy log; a rule regex has one host group per pattern. So the compiler
// writes names for readability and turns them into numbered groups here, remembering each name's
// index (backreferences \k<name> become \N).

const NAMED = /^\(\?<([A-Za-z_$][\w$]*)>/;

export type NumberedGroups = { readonly source: string; readonly index: ReadonlyMap<string, number> };

// Strips the names from the named capturing groups of a regex source, keeping their numbers.
export function numberGroups(source: string): NumberedGroups {
  const index = new Map<string, number>();
  let out = '';
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const backref = inClass ? null : /^\\k<([A-Za-z_$][\w$]*)>/.exec(source.slice(i, i + 64));
      const n = backref ? index.get(backref[1]!) : undefined;
      if (backref && n !== undefined) {
        out += `(?:\\${n})`;
        i += backref[0].length - 1;
      } else {
        out += source.slice(i, i + 2);
        i++;
      }
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] !== '?') count++;
    else if (c === '(') {
      const named = NAMED.exec(source.slice(i, i + 64));
      if (named) {
        index.set(named[1]!, ++count);
        out += '(';
        i += named[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return { source: out, index };
}

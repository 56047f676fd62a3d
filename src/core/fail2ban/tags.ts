// fail2ban's <tag> substitution in filter definitions (common.conf's <__prefix_line>,
// sshd's <mdre-<mode>>): a tag names another option, or one found by `more` (the filter's
// [Definition] and [DEFAULT], or section/option); tags that name nothing (<HOST>, <F-USER>)
// stay for the regex translation. Inner tags resolve first, as in fail2ban.
import { err, ok, type Result } from '../result.js';

const TAG = /<([^ <>]+)>/g;
const MAX_REPLACE = 25;

// Every value of `tags` with its tags replaced; an error for a tag that refers to itself.
export function substituteTags(
  tags: ReadonlyMap<string, string>,
  more: (name: string) => Result<string | undefined, string>,
): Result<Map<string, string>, string> {
  const out = new Map(tags);
  const done = new Set<string>();
  const counts = new Map<string, Map<string, number>>();
  for (let again = true; again;) {
    again = false;
    for (const [tag, original] of out) {
      if (done.has(tag)) continue;
      let value = original;
      const seen = counts.get(tag) ?? new Map<string, number>();
      TAG.lastIndex = 0;
      for (let m = TAG.exec(value); m !== null; m = TAG.exec(value)) {
        const name = m[1]!;
        if (name === tag || (seen.get(name) ?? 1) > MAX_REPLACE) return err(`<${name}> in ${tag} refers to itself`);
        let repl = out.get(name);
        if (repl === undefined) {
          const found = more(name);
          if (!found.ok) return found;
          repl = found.value;
        }
        if (repl === undefined) continue;
        value = value.split(`<${name}>`).join(repl);
        seen.set(name, (seen.get(name) ?? 0) + 1);
        TAG.lastIndex = m.index;
      }
      if (value !== original) {
        TAG.lastIndex = 0;
        if (TAG.test(value)) { counts.set(tag, seen); again = true; }
        out.set(tag, value);
      }
      if (!value.includes('<')) done.add(tag);
    }
  }
  return ok(out);
}

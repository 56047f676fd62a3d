import { err, ok, type Result } from '../core/result.js';
import type { Matcher } from '../core/match.js';
import type { RuleSpec } from './library.js';

// IPv4 or IPv6 only (never a host name, so nothing an attacker writes can trigger a DNS lookup);
// the capture is validated and canonicalised after the match.
const HOST = '(?<host>(?:\\d{1,3}\\.){3}\\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?)';

export function compilePattern(source: string, needHost: boolean): Result<RegExp> {
  const count = source.split('<HOST>').length - 1;
  if (needHost && count !== 1) return err(count === 0 ? 'it has no <HOST>' : 'it has more than one <HOST>');
  try {
    return ok(new RegExp(source.replace('<HOST>', HOST)));
  } catch (e) {
    return err((e as Error).message);
  }
}

function compileAll(sources: readonly string[], needHost: boolean): Result<RegExp[], string> {
  const out: RegExp[] = [];
  for (const source of sources) {
    const r = compilePattern(source, needHost);
    if (!r.ok) return err(`pattern '${source}': ${r.error}`);
    out.push(r.value);
  }
  return ok(out);
}

// A jail's matcher: built-in rules plus its own failregex/ignoreregex. Prefilters only apply
// when every pattern comes from a rule that has them.
export function compileMatcher(
  rules: readonly RuleSpec[],
  failregex: readonly string[],
  ignoreregex: readonly string[],
): Result<Matcher> {
  const fail = compileAll([...rules.flatMap((r) => r.failregex), ...failregex], true);
  if (!fail.ok) return fail;
  const ignore = compileAll([...rules.flatMap((r) => r.ignoreregex), ...ignoreregex], false);
  if (!ignore.ok) return ignore;
  const prefilter = failregex.length === 0 ? rules.flatMap((r) => r.prefilter) : null;
  return ok({ prefilter, patterns: fail.value, ignore: ignore.value });
}

import { err, ok, type Result } from '../core/result.js';
import { compilePrefilter, type Matcher, type MatchUnit } from '../core/match.js';
import type { RuleSpec } from './library.js';

// IPv4 or IPv6 only (never a host name, so nothing an attacker writes can trigger a DNS lookup);
// the capture is validated and canonicalised after the match.
const HOST_BODY = '(?:\\d{1,3}\\.){3}\\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?';
const hostGroup = (name: string) => `(?<${name}>${HOST_BODY})`;

function checkHost(source: string): string | null {
  const count = source.split('<HOST>').length - 1;
  if (count === 1) return null;
  return count === 0 ? 'it has no <HOST>' : 'it has more than one <HOST>';
}

function build(source: string): Result<RegExp> {
  try {
    return ok(new RegExp(source));
  } catch (e) {
    return err((e as Error).message);
  }
}

// A rule's patterns share its prefix, so they become one regex: prefix once, then the
// alternatives in order, each with its own host group (the first alternative that matches wins,
// as if the patterns were tried one by one).
function compileRule(rule: RuleSpec, first: number): Result<MatchUnit> {
  const groups = rule.failregex.map((_, i) => `lbh${first + i}`);
  const bodies = rule.failregex.map((body, i) => `(?:${body.replace('<HOST>', hostGroup(groups[i]!))})`);
  const re = build(`${rule.prefix}(?:${bodies.join('|')})`);
  if (!re.ok) return err(`rule ${rule.name}: ${re.error}`);
  return ok({ re: re.value, groups, first });
}

// A custom pattern stays a regex of its own, tried after the ones before it.
export function compileCustom(source: string, first: number): Result<MatchUnit> {
  const problem = checkHost(source);
  if (problem) return err(problem);
  const group = `lbh${first}`;
  const re = build(source.replace('<HOST>', hostGroup(group)));
  return re.ok ? ok({ re: re.value, groups: [group], first }) : re;
}

// A jail's matcher: built-in rules plus its own failregex/ignoreregex. Prefilters only apply
// when every pattern comes from a rule that has them.
export function compileMatcher(
  rules: readonly RuleSpec[],
  failregex: readonly string[],
  ignoreregex: readonly string[],
): Result<Matcher> {
  const units: MatchUnit[] = [];
  let next = 0;
  for (const rule of rules) {
    const unit = compileRule(rule, next);
    if (!unit.ok) return unit;
    units.push(unit.value);
    next += rule.failregex.length;
  }
  for (const source of failregex) {
    const unit = compileCustom(source, next++);
    if (!unit.ok) return err(`pattern '${source}': ${unit.error}`);
    units.push(unit.value);
  }
  const ignore: RegExp[] = [];
  for (const source of [...rules.flatMap((r) => r.ignoreregex), ...ignoreregex]) {
    const re = build(source);
    if (!re.ok) return err(`pattern '${source}': ${re.error}`);
    ignore.push(re.value);
  }
  const prefilter = failregex.length === 0 ? rules.flatMap((r) => r.prefilter) : null;
  return ok({ prefilter, prefilterRe: compilePrefilter(prefilter), units, ignore });
}

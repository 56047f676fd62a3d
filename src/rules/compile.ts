import { err, ok, type Result } from '../core/result.js';
import { compilePrefilter, type Matcher, type MatchUnit, type PatternRole } from '../core/match.js';
import { numberGroups } from './capture-groups.js';
import type { RuleSpec } from './spec.js';
import { findRule } from './library.js';

// IPv4 or IPv6 only (never a host name, so nothing an attacker writes can trigger a DNS lookup);
// the capture is validated and canonicalised after the match. An IPv6 address may carry the zone
// its daemon appends for a link-local peer (`fe80::1%eth0`); the ban is for the address.
const HOST_BODY = '(?:\\d{1,3}\\.){3}\\d{1,3}|(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\\d{1,3}\\.){3}\\d{1,3})?(?:%[0-9A-Za-z_.-]{1,64})?';
const hostGroup = (name: string) => `(?<${name}>${HOST_BODY})`;

// Why a custom pattern cannot be used, or null: exactly one <HOST> is required.
export function checkHost(source: string): string | null {
  const count = source.split('<HOST>').length - 1;
  if (count === 1) return null;
  return count === 0 ? 'it has no <HOST>' : 'it has more than one <HOST>';
}

// Pattern i of a unit: which capture holds its host, and its key (its own, else the prefix's).
function unitOf(source: string, first: number, count: number, roles?: readonly PatternRole[]): Result<MatchUnit> {
  const { source: numbered, index } = numberGroups(source);
  const re = build(numbered);
  if (!re.ok) return re;
  const hosts = Array.from({ length: count }, (_, i) => index.get(`lbh${first + i}`)!);
  const keys = Array.from({ length: count }, (_, i) => index.get(`lbk${first + i}`) ?? index.get('key') ?? 0);
  const users = Array.from({ length: count }, (_, i) => index.get(`lbu${first + i}`) ?? index.get('user') ?? 0);
  return ok({
    re: re.value, hosts, first,
    ...(roles && roles.some((r) => r !== 'fail') ? { roles } : {}),
    ...(keys.some((k) => k !== 0) ? { keys } : {}),
    ...(users.some((u) => u !== 0) ? { users } : {}),
  });
}

// Every pattern is compiled with the dotAll flag: JavaScript's `.` stops at \r, U+2028 and U+2029
// (Python's, which fail2ban's patterns were written for, only at \n), so without it a greedy `.*`
// over a user name that holds U+2028 falls back to an address the client wrote before it. A line
// never holds \n, so `.` then means "any character of the line".
function build(source: string): Result<RegExp> {
  try {
    return ok(new RegExp(source, 's'));
  } catch (e) {
    return err((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

/** Every pattern of a rule in matcher order: failregex first, then successregex. */
export function rulePatterns(rule: RuleSpec): { readonly source: string; readonly role: PatternRole }[] {
  return [
    ...rule.failregex.map((p) => (typeof p === 'string' ? { source: p, role: 'fail' as const } : { source: p.pattern, role: p.role })),
    ...(rule.successregex ?? []).map((source) => ({ source, role: 'success' as const })),
  ];
}

// A rule's patterns share its prefix, so they become one regex: prefix once, then the
// alternatives in order, each with its own host group (the first alternative that matches wins,
// as if the patterns were tried one by one).
function compileRule(rule: RuleSpec, first: number): Result<MatchUnit> {
  const patterns = rulePatterns(rule);
  const misplaced = patterns.findIndex((p) => (p.role === 'unaddressed') === p.source.includes('<HOST>'));
  if (misplaced >= 0) return err(`rule ${rule.name}: pattern ${misplaced} ${patterns[misplaced]!.role === 'unaddressed' ? 'is unaddressed but has' : 'has no'} <HOST>`);
  // A pattern may capture its own key (a session id in its text) as `key` and the user name it
  // names as `user`; names must be unique in one regex, so each becomes lbk<n> / lbu<n>. An
  // unaddressed pattern's host group is empty: it only tells which alternative matched.
  const withHost = (p: { source: string; role: PatternRole }, i: number) =>
    (p.role === 'unaddressed' ? `(?<lbh${first + i}>)${p.source}` : p.source.replace('<HOST>', hostGroup(`lbh${first + i}`)));
  const bodies = patterns.map((p, i) => `(?:${withHost(p, i).replace('(?<key>', `(?<lbk${first + i}>`).replace('(?<user>', `(?<lbu${first + i}>`)})`);
  const unit = unitOf(`${rule.prefix}(?:${bodies.join('|')})`, first, patterns.length, patterns.map((p) => p.role));
  return unit.ok ? unit : err(`rule ${rule.name}: ${unit.error}`);
}

// A custom pattern stays a regex of its own, tried after the ones before it. With a prefregex the
// pattern matches what follows the common prefix (a leading ^ on the pattern is dropped).
export function compileCustom(source: string, first: number, prefregex = ''): Result<MatchUnit> {
  const body = prefregex === '' ? source : `${prefregex}(?:${source.replace(/^\^/, '')})`;
  const problem = checkHost(body);
  if (problem) return err(prefregex === '' ? problem : `${problem} (prefregex and pattern together)`);
  return unitOf(body.replace('<HOST>', hostGroup(`lbh${first}`)), first, 1);
}

// A jail's matcher: built-in rules plus its own failregex/ignoreregex. Prefilters only apply
// when every pattern comes from a rule that has them. Errors name the pattern and the reason.
export function compileMatcher(
  rules: readonly RuleSpec[],
  failregex: readonly string[],
  ignoreregex: readonly string[],
  prefregex = '',
): Result<Matcher> {
  const units: MatchUnit[] = [];
  let next = 0;
  for (const rule of rules) {
    const unit = compileRule(rule, next);
    if (!unit.ok) return unit;
    units.push(unit.value);
    next += unit.value.hosts.length;
  }
  if (prefregex !== '') {
    const bad = build(prefregex.replace('<HOST>', hostGroup('lbhp')));
    if (!bad.ok) return err(`prefregex '${prefregex}': ${bad.error}`);
  }
  for (const source of failregex) {
    const unit = compileCustom(source, next++, prefregex);
    if (!unit.ok) return err(`pattern '${source}': ${unit.error}`);
    units.push(unit.value);
  }
  const ignore: RegExp[] = [];
  for (const source of [...rules.flatMap((r) => r.ignoreregex), ...ignoreregex]) {
    // <HOST> in an ignoreregex stands for an address, as in fail2ban (no capture: it only tells a line apart).
    const re = build(source.replaceAll('<HOST>', `(?:${HOST_BODY})`));
    if (!re.ok) return err(`pattern '${source}': ${re.error}`);
    ignore.push(re.value);
  }
  const prefilter = failregex.length === 0 ? rules.flatMap((r) => r.prefilter) : null;
  const guards = [...new Set(rules.flatMap((r) => (r.guard ? [r.guard] : [])))];
  return ok({ prefilter, prefilterRe: compilePrefilter(prefilter), units, ignore, guards });
}

/** A matcher's sources: built-in rule names and a jail's own patterns. */
export type MatcherSource = {
  readonly rules: readonly string[];
  readonly failregex: readonly string[];
  readonly ignoreregex: readonly string[];
  readonly prefregex: string;
};

// The same matcher again from its sources (a worker thread builds its own); an unknown rule is an error.
export function compileSource(src: MatcherSource): Result<Matcher> {
  const rules: RuleSpec[] = [];
  for (const name of src.rules) {
    const rule = findRule(name);
    if (!rule) return err(`unknown rule "${name}" (see "logban rules")`);
    rules.push(rule);
  }
  return compileMatcher(rules, src.failregex, src.ignoreregex, src.prefregex);
}

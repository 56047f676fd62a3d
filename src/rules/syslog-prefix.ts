// Line prefixes of programs that log through syslog or journald, as each format writes them:
// RFC 3164 (with or without PRI, year, fractions), RFC 3339 (rsyslog high precision, journald
// short-iso/short-iso-precise), journald short-full (zone abbreviations such as CET or +04) and short-unix, TAI64N (multilog), and
// RFC 5424 (APP-NAME PROCID MSGID STRUCTURED-DATA), then an optional host, BSD "<auth.info>"
// or busybox "auth.info" facility, the program, its pid as the named group `key`, and the
// Solaris "[ID n auth.info]" tag; metalog's "[program]"; rsyslog's "message repeated N times: [";
// socklog's "auth.info: " before the datagram's own stamp; AIX's "auth|security:info"; FreeBSD -v "<4.6>".
// Everything here is written by the logger, never by a client.

const STAMP = [
  '[A-Z][a-z]{2} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: \\d{4})?',
  // macOS `log show --style syslog` (Sierra and later) puts two spaces after its zone
  '\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d(?: (?= ))?)?',
  '[A-Z][a-z]{2} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d (?:[A-Z][A-Za-z0-9+-]{0,5}|[+-]\\d\\d(?:\\d\\d)?)',
  '\\d{9,10}\\.\\d{6}',
  '@[0-9a-f]{24}',
].join('|');

// socklog (runit, Void Linux) turns the PRI into "facility.priority: " (socklog inet: after the
// sending host's IPv4 address) and keeps the datagram with its stamp. svlogd may put its own UTC
// stamp first (-tt "2026-11-21_10:00:00.12345", -ttt with a T, -t TAI64N); then the datagram's
// stamp may be missing (sshguard's scanner meets both).
const SOCKLOG = '(?:(?:\\d{1,3}\\.){3}\\d{1,3}: )?[a-z0-9]+\\.[a-z]+: ';
const SVLOGD = '(?:\\d{4}-\\d\\d-\\d\\d[_T]\\d\\d:\\d\\d:\\d\\d\\.\\d{5}|@[0-9a-f]{24}) ';

/** Timestamp (any of the syslog/journald forms), with the optional RFC 3164/5424 PRI and version, or socklog's head. */
export const SYSLOG_STAMP = `(?:(?:<\\d{1,3}>(?:1 )?|${SOCKLOG})?(?:${STAMP}) |${SVLOGD}${SOCKLOG}(?:(?:${STAMP}) )?)`;

/** Optional BSD facility tag (FreeBSD syslogd -vv names, -v numbers), host, busybox facility.level or AIX facility|alias:level. */
const HOST = '(?:<(?:[a-z0-9]+\\.[a-z]+|\\d{1,2}\\.\\d)> )?(?:[^\\s\\[]+ )?(?:[a-z0-9]+(?:\\|[a-z0-9]+)?[.:][a-z]+ )?';

// RFC 5424 STRUCTURED-DATA: "-" or [..][..] with \] escapes; rsyslog leaves a "]" inside a quoted value unescaped.
const SD = '(?:-|(?:\\[(?:[^\\]\\\\"]|\\\\.|"(?:[^"\\\\]|\\\\.)*")*\\])+)';

// `[pid]:` (RFC 3164), ` pid MSGID SD` (RFC 5424), `:` or ` - MSGID SD` (no pid).
// Which form it is, is told before the pid by a lookahead, not after it by a lookbehind over the
// digits: a client cannot make this part cost more than one pass (a pid of 60,000 digits).
const PROCESS_TAIL = `(?:(?:\\[(?=\\d+\\])| (?=\\d+ ))(?<key>\\d+)(?:\\]:?| \\S+ ${SD})|:| - \\S+ ${SD}) \\uFEFF?(?:\\[ID \\d+ [a-z0-9]+\\.[a-z]+\\] )?`;

/** Start of a syslog/journald line up to the program name. */
export const SYSLOG_HEAD = `^${SYSLOG_STAMP}${HOST}`;

// rsyslog's RepeatedMsgReduction (on by default on Ubuntu) folds identical lines of one process
// into "message repeated N times: [ <the line>]"; the text inside is the daemon's own.
const REPEATED = '(?:message repeated \\d+ times: \\[ )?';

/**
 * The end of a pattern whose line may be such a fold: its closing "]" is allowed only after the
 * fold's opening words, so a line the daemon ends otherwise is read exactly as before.
 */
export const SYSLOG_END = '(?:\\](?<= message repeated \\d+ times: \\[ .*\\]))?$';

// The same pattern with its final `$` accepting a fold's closing bracket (a bare pattern, or the
// pattern of a rule's pattern record).
export function endsInSyslogFold<T extends string | { readonly pattern: string }>(entry: T): T {
  const fold = (pattern: string) => (pattern.endsWith('$') ? `${pattern.slice(0, -1)}${SYSLOG_END}` : pattern);
  if (typeof entry === 'string') return fold(entry) as T;
  const record = entry as { readonly pattern: string };
  return { ...record, pattern: fold(record.pattern) } as T;
}

// The start of a line written by one of `programs` (a regex alternation of program names); metalog
// writes "Mmm dd hh:mm:ss [program] " with neither host nor pid.
export function syslogPrefix(programs: string): string {
  return `^${SYSLOG_STAMP}(?:${HOST}(?:${programs})${PROCESS_TAIL}|\\[(?:${programs})\\]:? )${REPEATED}`;
}

// Same, without the pid capture (for rules that read other ids as their key).
export function syslogPrefixNoKey(programs: string): string {
  return syslogPrefix(programs).replace('(?<key>', '(');
}

// Line prefixes shared by rules: timestamp, host and process as each log format writes them.
// Syslog RFC 3164 (optionally with year or fractions), RFC 3339 (rsyslog high precision), journald short-iso.
export const SYSLOG_PREFIX =
  '(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: \\d{4})?|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?) \\S+ ';
export const SSHD_PREFIX = `^${SYSLOG_PREFIX}sshd(?:-session)?\\[\\d+\\]: `;

export const MYSQL_PREFIX =
  '^(?:\\d{6} {1,2}\\d{1,2}:\\d\\d:\\d\\d |\\d{4}-\\d\\d-\\d\\d(?:T| {1,2})\\d{1,2}:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)? +(?:\\d+ )?)?\\s*\\[(?:Warning|Note)\\] (?:\\[MY-\\d+\\] \\[Server\\] )?';

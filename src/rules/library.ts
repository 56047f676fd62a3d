// The built-in rules, as data. Every pattern is anchored at both ends so that text an attacker
// controls (user names, URLs) can never supply <HOST>: the host is the field the daemon appended last.

export type RuleSpec = {
  readonly name: string;
  readonly description: string;
  /** Literal words a line must contain before any regex runs. */
  readonly prefilter: readonly string[];
  /** What every failregex starts with (timestamp, host, process); matched once per line. */
  readonly prefix: string;
  readonly failregex: readonly string[];
  readonly ignoreregex: readonly string[];
  /** Well-known log files, used by the embedded defaults when they exist on the host. */
  readonly logpath: readonly string[];
  readonly port: readonly string[];
};

// Syslog RFC 3164 (optionally with year or fractions), RFC 3339 (rsyslog high precision), journald short-iso.
const SYSLOG_PREFIX =
  '(?:<\\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?: \\d{4})?|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?) \\S+ ';
const SSHD = `^${SYSLOG_PREFIX}sshd(?:-session)?\\[\\d+\\]: `;

const MYSQL_PREFIX =
  '^(?:\\d{6} {1,2}\\d{1,2}:\\d\\d:\\d\\d |\\d{4}-\\d\\d-\\d\\d(?:T| {1,2})\\d{1,2}:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)? +(?:\\d+ )?)?\\s*\\[(?:Warning|Note)\\] (?:\\[MY-\\d+\\] \\[Server\\] )?';

export const RULES: readonly RuleSpec[] = [
  {
    name: 'sshd',
    description: 'OpenSSH: failed passwords, invalid users, too many authentication attempts',
    prefilter: ['Failed ', 'nvalid user ', 'llegal user ', 'maximum authentication attempts'],
    prefix: SSHD,
    failregex: [
      `Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?.*? from <HOST> port \\d+(?: ssh\\d?)?$`,
      `(?:Invalid|Illegal) user .*? from <HOST>(?: port \\d+)?$`,
      `error: maximum authentication attempts exceeded for (?:invalid user )?.*? from <HOST> port \\d+(?: ssh\\d?)? \\[preauth\\]$`,
    ],
    ignoreregex: [],
    logpath: ['/var/log/auth.log', '/var/log/secure'],
    port: ['ssh'],
  },
  {
    name: 'mysqld-auth',
    description: "MySQL/MariaDB error log: Access denied for user 'x'@'host'",
    prefilter: ['Access denied for user '],
    prefix: MYSQL_PREFIX,
    failregex: [`Access denied for user '.*'@'<HOST>' \\(using password: (?:YES|NO)\\)$`],
    ignoreregex: [],
    logpath: ['/var/log/mysql/error.log', '/var/log/mysqld.log', '/var/log/mysql/mysqld.log', '/var/log/mariadb/mariadb.log'],
    port: ['3306'],
  },
];

export function findRule(name: string): RuleSpec | undefined {
  return RULES.find((rule) => rule.name === name);
}

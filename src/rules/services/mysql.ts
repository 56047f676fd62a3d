import { syslogPrefixNoKey } from '../syslog-prefix.js';
import type { RuleSpec } from '../spec.js';
import { MYSQL_ERROR_GUARD } from '../guards.js';

// MySQL 5.5 (YYMMDD H:MM:SS), 5.6/MariaDB (YYYY-MM-DD H:MM:SS THREAD), 5.7/8.0 (ISO 8601 with
// zone, THREAD, 8.0 adds [MY-nnnnnn] [Server]), optionally inside a syslog/journald line
// (Debian's MariaDB logs through syslog as mysqld or mariadbd; Amazon Linux and RHEL as mysql).
const MYSQL_STAMP =
  '(?:\\d{6} {1,2}\\d{1,2}:\\d\\d:\\d\\d |\\d{4}-\\d\\d-\\d\\d(?:T| {1,2})\\d{1,2}:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)? +(?:\\d+ )?)';
const SYSLOG_WRAPPER = syslogPrefixNoKey('mysqld|mariadbd|mysqld_safe|mariadb|mysql').slice(1);
// In its own file every line the server writes starts with its date: a line without one is the
// rest of a record whose user name held a newline, written by the client. Inside syslog the
// date may be left out (the syslog head carries it).
const HEAD = `(?:${SYSLOG_WRAPPER}${MYSQL_STAMP}?|${MYSQL_STAMP})`;

// MySQL 5.7 with log_syslog=ON sends syslog the bare message, without stamp or level, under the
// tag mysqld (or mysqld-TAG with log_syslog_tag; mysql on Amazon Linux and RHEL).
const SYSLOG_BARE = syslogPrefixNoKey('mysqld(?:-[\\w.-]+)?|mysql').slice(1);

export const MYSQL_RULES: readonly RuleSpec[] = [
  {
    name: 'mysqld-auth',
    description: "MySQL/MariaDB error log: Access denied for user 'x'@'host'",
    prefilter: ['Access denied for user '],
    prefix: `^(?:${HEAD} ?\\[(?:Warning|Note)\\] (?:\\[MY-\\d+\\] \\[Server\\] )?|${SYSLOG_BARE})`,
    // The server writes '%-.48s'@'%-.64s' without escaping the user name, so only the last
    // quoted host before the end of the line is the client's.
    failregex: [`Access denied for user '.*'@'<HOST>'(?: \\(using password: (?:YES|NO)\\))?$`],
    ignoreregex: [],
    logpath: ['/var/log/mysql/error.log', '/var/log/mysqld.log', '/var/log/mysql/mysqld.log', '/var/log/mariadb/mariadb.log'],
    port: ['3306'],
    guard: MYSQL_ERROR_GUARD,
  },
];

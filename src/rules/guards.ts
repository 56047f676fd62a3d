import type { RecordGuard } from '../core/record-guard.js';

// nginx writes each error-log record with one write() of at most NGX_MAX_ERROR_STR (2048) bytes,
// its newline included, and client text raw: a file name made from the decoded URL (%0A becomes a
// newline), a basic-auth user name, PHP's stderr. A record whose client field is still open at the
// end of its first line, a line that starts without nginx's date, a request line holding %0A or
// %0D, and a line of exactly 2047 bytes (a record nginx cut) mark lines no rule may count.
export const NGINX_ERROR_GUARD: RecordGuard = {
  name: 'nginx-error',
  head: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: /,
  maxRecord: 2048,
  opensFieldWord: '"',
  opensField: /\*\d+ (?:"(?!.*" is not found \()|.*?open\(\) "(?!.*" failed \()|.*?user "(?!.*"(?::? password mismatch| was not found in "))|.*?FastCGI sent in stderr: "(?!.*" while ))/s,
  newlineEvidenceWord: '%0',
  newlineEvidence: /, request: ".*%0[AaDd]/s,
};

// MariaDB and MySQL write "Access denied for user '<name>'@'<host>'" with the name raw, newlines
// included, in one record of at most about 1 KiB after the date (the message buffer): a line that
// starts without a date after a dated one, and a refusal whose name is not closed on its line,
// mark lines no rule may count.
export const MYSQL_ERROR_GUARD: RecordGuard = {
  name: 'mysql-error',
  head: /^(?:\d{4}-\d\d-\d\d(?:T| {1,2})\d{1,2}:\d\d:\d\d|\d{6} {1,2}\d{1,2}:\d\d:\d\d)/,
  maxRecord: 4096,
  opensFieldWord: 'Access denied for user ',
  opensField: /Access denied for user '(?!.*'@'[^']*'(?: \(using password: (?:YES|NO)\))?$)/s,
};

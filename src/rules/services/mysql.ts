import { MYSQL_PREFIX } from '../prefixes.js';
import type { RuleSpec } from '../spec.js';

export const MYSQL_RULES: readonly RuleSpec[] = [
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

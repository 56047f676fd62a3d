// The built-in rules, as data, one file per service under services/. Every pattern is anchored at
// both ends so that text an attacker controls (user names, URLs) can never supply <HOST>: the host
// is the field the daemon appended last.
import { FTP_RULES } from './services/ftp.js';
import { MAIL_RULES } from './services/mail.js';
import { MYSQL_RULES } from './services/mysql.js';
import { SSHD_RULES } from './services/sshd.js';
import type { RuleSpec } from './spec.js';

export type { RuleSpec } from './spec.js';

export const RULES: readonly RuleSpec[] = [...SSHD_RULES, ...MYSQL_RULES, ...MAIL_RULES, ...FTP_RULES];

export function findRule(name: string): RuleSpec | undefined {
  return RULES.find((rule) => rule.name === name);
}

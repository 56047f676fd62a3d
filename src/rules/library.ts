// The built-in rules, as data, one file per service under services/. Every pattern is anchored
// so that text an attacker controls (user names, URLs, user agents) can never supply <HOST>: the
// host is taken from a field the daemon writes itself, before or after the attacker's text.
import { APACHE_RULES } from './services/apache.js';
import { FTP_RULES } from './services/ftp.js';
import { MAIL_RULES } from './services/mail.js';
import { MYSQL_RULES } from './services/mysql.js';
import { NGINX_RULES } from './services/nginx.js';
import { POSTFIX_REJECTS_RULES } from './services/postfix-rejects.js';
import { SSHD_RULES } from './services/sshd.js';
import { SSHD_DDOS_RULES } from './services/sshd-ddos.js';
import { WORDPRESS_RULES } from './services/wordpress.js';
import type { RuleSpec } from './spec.js';

export type { RuleSpec } from './spec.js';

export const RULES: readonly RuleSpec[] = [
  ...SSHD_RULES, ...SSHD_DDOS_RULES, ...MYSQL_RULES, ...MAIL_RULES, ...POSTFIX_REJECTS_RULES, ...FTP_RULES,
  ...NGINX_RULES, ...APACHE_RULES, ...WORDPRESS_RULES,
];

export function findRule(name: string): RuleSpec | undefined {
  return RULES.find((rule) => rule.name === name);
}

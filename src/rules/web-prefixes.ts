// Line shapes of nginx and Apache logs, shared by the web rules. Every shape fixes the client's
// position before any text a client chooses (URL, user name, user agent, referrer) can appear.
import { SYSLOG_PREFIX } from './prefixes.js';

// Either the daemon's own file or the same text relayed through syslog (`access_log syslog:` in
// nginx, `ErrorLog syslog` in Apache): the tag is written by the daemon, never by a client.
const VIA_SYSLOG = String.raw`${SYSLOG_PREFIX}[\w./-]+(?:\[\d+\])?: `;

// ---- access logs: common, combined, Debian's vhost_combined (`www.example.org:443 <host> ...`),
// Apache's vcommon (`www.example.org <host> ...`). A virtual host without a port must hold a
// letter, so it is never an address: the one after it is the client's.

export const ACCESS_PREFIX = String.raw`^(?:${VIA_SYSLOG})?(?:[\w.-]+:\d+ |(?=[\w.-]*[A-Za-z])[\w.-]+ (?=[\d.]+ |[0-9A-Fa-f:]+:[0-9A-Fa-f.:]* ))?`;
/** Host, ident, user, [time], then the opening quote of the request line. */
export const ACCESS_HEAD = String.raw`<HOST> \S+ \S+ \[[^\]]+\] "`;
/** The inside of a quoted field: nginx writes a quote as \x22, Apache as \". */
export const QUOTED = String.raw`(?:[^"\\]|\\.)*`;
/** The end of a request line after the URI, up to the status: ` HTTP/1.1" ` (no protocol: HTTP/0.9). */
export const REQUEST_END = String.raw`(?: HTTP/\d(?:\.\d)?)?" `;
/** A URI path up to the query: no space, quote, '?' or '#'. */
export const PATH_CHAR = String.raw`[^\s"?#]`;

// ---- nginx error log: `2026/11/21 10:00:00 [error] 1234#1234: *5 <message>, client: <host>, server: ...`

const NGINX_TIME = String.raw`\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `;
export const NGINX_ERROR_PREFIX = String.raw`^(?:${NGINX_TIME}|${VIA_SYSLOG}(?:${NGINX_TIME})?)\[[a-z]+\] \d+#\d+: \*\d+ `;
// nginx writes client text (user names, file names made from the URL) before ", client: " and
// more (request, host, referrer) after it, all unescaped: a line holding ", client: " twice may
// be forged either way, so it is not counted at all.
export const NGINX_ONE_CLIENT = String.raw`(?!(?:.*?, client: ){2})`;

// ---- Apache error log
// 2.2: [Sat Nov 21 10:00:00 2026] [error] [client 192.0.2.1] message
// 2.4: [Sat Nov 21 10:00:00.123456 2026] [module:level] [pid N:tid N] (errno)text: [client 192.0.2.1:5555] AH01618: message

const APACHE_TIME = String.raw`\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4}\] `;
const APACHE_SYSLOG = String.raw`${SYSLOG_PREFIX}(?:apache2?|httpd)(?:/[\w.-]+)?(?:\[\d+\])?: `;
const APACHE_LEVEL = String.raw`(?:emerg|alert|crit|error|warn|notice|info|debug|trace\d)`;

// Up to "[client "; `skipModule` names module prefixes whose lines the rule leaves alone.
export function apacheErrorPrefix(skipModule?: string): string {
  const module = skipModule ? String.raw`(?!${skipModule})[\w.-]*:` : String.raw`[\w.-]*:`;
  return String.raw`^(?:${APACHE_TIME}|${APACHE_SYSLOG}(?:${APACHE_TIME})?)\[(?:${module})?${APACHE_LEVEL}\] (?:\[pid \d+(?::tid \d+)?\] )?(?:[\w.-]+\.c\(\d+\): )?(?:\([^)]*\)[^\[]*: )?\[client `;
}

// 2.4 writes "[client <ip>:<port>]" with IPv6 unbracketed, 2.2 writes "[client <ip>]": the port
// is split off only in 2.4 lines (those with "[pid "), so 2001:db8::1:4444 reads as 2001:db8::1.
// A bracketed [2001:db8::1]:4444 (custom ErrorLogFormat) reads the same.
export const APACHE_CLIENT = String.raw`\[?<HOST>\]?(?::\d{1,5}|(?<=\[client [\d.]+)|(?<!\] \[pid [^\]]*\] .*))\] (?:AH\d{5}: )?`;

import type { RuleSpec } from '../spec.js';
import { ACCESS_HEAD, ACCESS_PREFIX, NGINX_ERROR_PREFIX, NGINX_ONE_CLIENT, PATH_CHAR, QUOTED, REQUEST_END } from '../web-prefixes.js';
import { badBotsRule } from './bad-bots.js';
import { NGINX_ERROR_GUARD } from '../guards.js';

export const NGINX_ACCESS_LOG = ['/var/log/nginx/access.log'];
const ERROR_LOG = ['/var/log/nginx/error.log'];
const WEB = ['http', 'https'];
const ACCESS = { prefix: ACCESS_PREFIX, ignoreregex: [], logpath: NGINX_ACCESS_LOG, port: WEB, datepattern: ['access-log'] } as const;

// What scanners look for on sites that do not have it: webmail, phpMyAdmin, WordPress logins, CGI.
const PROBED = String.raw`(?:(?:typo3/|xampp/|admin/)?(?:pma|PMA|(?:[Pp]hp)?[Mm]y[Aa]dmin|mysqladmin|dbadmin)|roundcube|(?:ext)?mail|horde|(?:v-?)?webmail|(?:[\w.-]+/)?wp-(?:login|signup|admin|config)\.php|cgi-bin|vendor/phpunit/|phpinfo\.php)`;
// Files that no site serves to anyone (.env, .git, .aws), in any directory (/api/.env, /laravel/.env):
// most sites refuse dot files outright (`location ~ /\. { deny all; }`), so a 403 counts too.
const SECRET = String.raw`(?:[\w.-]+/)*\.(?:env\b|git/|aws/)`;
// Script files on a site that serves none (the seed's nginx-noscript): any case, then the end of the path.
const SCRIPT_EXT = String.raw`\.(?:[Pp][Hh][Pp]\d?|[Pp][Hh][Tt][Mm][Ll]|[Aa][Ss][Pp][Xx]?|[Ee][Xx][Ee]|[Pp][Ll]|[Ss]?[Cc][Gg][Ii]|[Jj][Ss][Pp])(?=[\s"?#;/])`;

export const NGINX_RULES: readonly RuleSpec[] = [
  {
    name: 'nginx-http-auth',
    description: 'nginx: basic-auth password mismatch or unknown user, invalid auth token, PAM (auth_pam) failures (error log); a 401 to a request that carried a user (access log)',
    prefilter: ['password mismatch', 'not found', 'client used invalid token', 'not authenticated', '" 401 '],
    prefix: String.raw`(?:${ACCESS_PREFIX}|${NGINX_ERROR_PREFIX})`,
    failregex: [
      // nginx's own messages, the "...: <realm>" forms of auth modules built on them, and
      // ngx_http_auth_pam_module's "PAM: user '%s' - not authenticated: %s".
      // The line holds ", client: " once (NGINX_ONE_CLIENT), so everything before it is read in one
      // pass: a lookahead finds the failure words, then the text runs up to that one client field
      // (two unbounded parts in a row were quadratic on a user name full of the words).
      String.raw`${NGINX_ONE_CLIENT}(?=(?:user "|PAM: user ')(?:(?!, client: ).)*(?:":? (?:password mismatch|(?:was )?not found(?::| in) )|' - not authenticated: )|client used invalid token: )(?:(?!, client: ).)*, client: <HOST>, `,
      // The access log: nginx writes $remote_addr first and escapes what a client sends (\x0A,
      // \x22), so no newline or quote of a client's splits or closes a field. A 401 to a request
      // that named a user is a failed login ("-": the browser's first request, before it asks).
      String.raw`<HOST> \S+ (?!- )(?:.*? )?\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "[A-Z]+ [^"\s]+(?: HTTP/\d(?:\.\d)?)?" 401 `,
    ],
    ignoreregex: [],
    logpath: ERROR_LOG,
    port: WEB,
    guard: NGINX_ERROR_GUARD,
  },
  {
    name: 'nginx-limit-req',
    description: 'nginx error log: requests or connections refused by limit_req/limit_conn (not dry runs, not delays)',
    prefilter: ['limiting requests, excess: ', 'limiting connections by zone '],
    prefix: NGINX_ERROR_PREFIX,
    failregex: [
      // Nothing of the client's comes before ", client: " here, so the first one is nginx's. The line
      // ends with nginx's closing quote (host or referrer): the end of a record nginx cut at 2 KiB
      // ("... (2: No such file or directory), client: 203.0") joined to a line a client wrote does not.
      String.raw`(?=.*"$)limiting requests, excess: [\d.]+ by zone "[^"]*", client: <HOST>, `,
      String.raw`(?=.*"$)limiting connections by zone "[^"]*", client: <HOST>, `,
    ],
    ignoreregex: [],
    logpath: ERROR_LOG,
    port: WEB,
    guard: NGINX_ERROR_GUARD,
  },
  {
    name: 'nginx-botsearch',
    description: 'nginx: 404s/410s for phpMyAdmin, webmail, wp-login, cgi-bin; 403s too for .env/.git/.aws (access log, or error log open() failed / access forbidden by rule)',
    prefilter: ['" 404 ', '" 410 ', ' (2: No such file or directory), client: ', '/.env', '/.git/', '/.aws/'],
    prefix: String.raw`(?:${ACCESS_PREFIX}|${NGINX_ERROR_PREFIX})`,
    failregex: [
      // Not found, or Gone (sites that answer probes with 410); a 401 or 403 means the path exists.
      String.raw`${ACCESS_HEAD}[A-Z]+ /+${PROBED}${PATH_CHAR}*(?:\?\S*)?${REQUEST_END}(?:404|410) `,
      String.raw`${ACCESS_HEAD}[A-Z]+ /+${SECRET}${PATH_CHAR}*(?:\?\S*)?${REQUEST_END}(?:403|404|410) `,
      String.raw`${NGINX_ONE_CLIENT}(?:\S+ )?".*" (?:failed|is not found) \(2: No such file or directory\), client: <HOST>, server: \S*, request: "[A-Z]+ /+(?:${PROBED}|${SECRET})`,
      // the error log's side of that 403 (nginx 1.x: "access forbidden by rule")
      String.raw`${NGINX_ONE_CLIENT}access forbidden by rule, client: <HOST>, server: \S*, request: "[A-Z]+ /+${SECRET}`,
    ],
    ignoreregex: [],
    logpath: NGINX_ACCESS_LOG,
    port: WEB,
    guard: NGINX_ERROR_GUARD,
  },
  {
    name: 'nginx-bad-request',
    description: 'nginx access log: requests answered 400 Bad Request (malformed, TLS or RDP on port 80, empty)',
    prefilter: ['" 400 '],
    ...ACCESS,
    failregex: [String.raw`${ACCESS_HEAD}${QUOTED}" 400 `],
    optIn: true,
  },
  {
    name: 'nginx-noscript',
    description: 'nginx: requests for .php/.asp/.exe/.pl/.cgi scripts or cgi-bin (for sites that serve none), PHP-FPM "Primary script unknown" (error log)',
    prefilter: ['.php', '.PHP', '.asp', '.ASP', '.exe', '.pl', '.cgi', '.jsp', '.phtml', 'cgi-bin/', 'rimary script'],
    ...ACCESS,
    prefix: String.raw`(?:${ACCESS_PREFIX}|${NGINX_ERROR_PREFIX})`,
    datepattern: ['access-log', 'nginx-error'],
    failregex: [
      String.raw`${ACCESS_HEAD}[A-Z]+ /(?:${PATH_CHAR}*?${SCRIPT_EXT}|(?:${PATH_CHAR}*/)?cgi-bin/)`,
      // PHP-FPM found no script for the URL; the path it names comes from the URL.
      String.raw`${NGINX_ONE_CLIENT}FastCGI sent in stderr: "(?:Primary script unknown|Unable to open primary script: .*?)" while reading response header from upstream, client: <HOST>, `,
    ],
    optIn: true,
    guard: NGINX_ERROR_GUARD,
  },
  {
    name: 'nginx-nohome',
    description: 'nginx access log: requests for home directories (/~user)',
    prefilter: ['/~', '/%7E', '/%7e'],
    ...ACCESS,
    failregex: [String.raw`${ACCESS_HEAD}[A-Z]+ /(?:${PATH_CHAR}*/)?(?:~|%7[Ee])`],
  },
  {
    name: 'nginx-noproxy',
    description: 'nginx access log: attempts to use the server as an open proxy (absolute URL or CONNECT)',
    prefilter: [' http://', ' https://', ' HTTP://', 'CONNECT '],
    ...ACCESS,
    failregex: [String.raw`${ACCESS_HEAD}(?:[A-Z]+ [Hh][Tt][Tt][Pp][Ss]?://|CONNECT \S)`],
  },
  badBotsRule('nginx-badbots', 'nginx', NGINX_ACCESS_LOG),
];

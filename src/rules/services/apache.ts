import type { RuleSpec } from '../spec.js';
import { APACHE_CLIENT as C, apacheErrorPrefix } from '../web-prefixes.js';
import { badBotsRule } from './bad-bots.js';

// Debian/Ubuntu (apache2) and RHEL/Fedora (httpd) locations.
export const APACHE_ACCESS_LOG = [
  '/var/log/apache2/access.log', '/var/log/apache2/other_vhosts_access.log',
  '/var/log/httpd/access_log', '/var/log/httpd/ssl_access_log',
];
const ERROR_LOG = ['/var/log/apache2/error.log', '/var/log/httpd/error_log', '/var/log/httpd/ssl_error_log'];
const WEB = ['http', 'https'];
const ERRORS = { prefix: apacheErrorPrefix(), ignoreregex: [], logpath: ERROR_LOG, port: WEB } as const;

// A script path: an extension CGI/PHP handlers run, a cgi-bin directory, or a php binary in one.
const SCRIPT = String.raw`/\S*?(?:\.(?:php\d?|phtml|aspx?|exe|pl|cgi|jsp)\b|/cgi-bin/|/php(?:\d|[.-]cgi)?(?![\w.-]))`;

export const APACHE_RULES: readonly RuleSpec[] = [
  {
    name: 'apache-auth',
    description: 'Apache error log: basic/digest/LDAP auth failures, unknown users, access denied by configuration',
    prefilter: [
      ' not found', 'authentication failure for "', 'authorization failure for "', 'password mismatch',
      'Authorization of user ', 'client denied by server configuration', 'wrong authentication scheme',
      'invalid nonce ', 'realm mismatch', 'denied by provider', 'unknown algorithm `', 'invalid qop `', 'provided via SNI', 'authentication failed;', 'not authenticated',
    ],
    ...ERRORS,
    // mod_evasive also reports its own blocks as "client denied": those clients are already being refused.
    prefix: apacheErrorPrefix('evasive'),
    failregex: [
      String.raw`${C}(?:Digest: )?user (?!\x60).*?(?: not found\b|: (?:authentication|authorization) failure for "|: password mismatch\b)`,
      // AH01790 / AH01791 (2.4), the same with "Digest: " (2.2): unknown user, or one the provider refused
      // (each part a lookahead of its own: ".*X.*Y" tried every X a client's name repeats, quadratic)
      String.raw`${C}(?:Digest: )?user \x60(?=.*' in realm \x60)(?=.*' (?:not found|denied by provider)\b)`,
      String.raw`${C}Authorization of user (?=.* to access )(?=.* failed\b)`,
      String.raw`${C}client (?:denied by server configuration|used wrong authentication scheme)\b`,
      String.raw`${C}(?:Digest: )?(?:invalid nonce .* received - (?:length is not|user attempted time travel)|realm mismatch - got \x60|unknown algorithm \x60|invalid qop \x60)`,
      String.raw`${C}(?:Hostname \S+ provided via SNI, but no hostname provided|No hostname was provided via SNI for a name based virtual host)`,
      String.raw`${C}auth_ldap authenticate: user .* authentication failed;`,
      // mod_auth_pam (Apache 2.2): "PAM: user '%s' - not authenticated: %s"
      String.raw`${C}PAM: user '.*' - not authenticated: `,
    ],
  },
  {
    name: 'apache-noscript',
    description: 'Apache error log: requests for scripts that do not exist (PHP, CGI, ASP, php-fpm "Primary script unknown")',
    prefilter: ['File does not exist: ', 'not found or unable to stat', 'Primary script unknown', 'Unable to open primary script: '],
    ...ERRORS,
    failregex: [
      String.raw`${C}(?:File does not exist|script not found or unable to stat): ${SCRIPT}`,
      String.raw`${C}script '${SCRIPT}[^']*' not found or unable to stat`,
      // php-fpm's wording before and since PHP 7.4 ("Unable to open primary script: <path> (<errno text>)")
      String.raw`${C}(?:Got error '|FastCGI: server "[^"]*" stderr: )(?:Primary script unknown|Unable to open primary script: )`,
    ],
  },
  {
    name: 'apache-overflows',
    description: 'Apache error log: malformed requests (invalid method or URI, URI too long, bad characters, path traversal)',
    prefilter: [
      'Invalid method in request', 'Invalid URI in request', 'URI too long', 'exceeds LimitRequestLine', 'erroneous characters after protocol string',
      'invalid characters in URI', 'malformed request line', 'invalid URI path',
    ],
    ...ERRORS,
    failregex: [
      // 2.2 and early 2.4 wordings, then 2.4's "client's request-line exceeds LimitRequestLine" and "malformed request line"
      String.raw`${C}(?:Invalid (?:method|URI) in request|request failed: (?:URI too long \(longer than \d+\)|client's request-line exceeds LimitRequestLine \(longer than \d+\)|erroneous characters after protocol string|invalid characters in URI|malformed request line)|invalid URI path )`,
    ],
  },
  {
    name: 'apache-nohome',
    description: 'Apache error log: requests for home directories (/~user) that do not exist',
    prefilter: ['File does not exist: '],
    ...ERRORS,
    failregex: [String.raw`${C}File does not exist: \S*/~`],
  },
  badBotsRule('apache-badbots', 'Apache', APACHE_ACCESS_LOG),
];

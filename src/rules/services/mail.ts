import { endsInSyslogFold, SYSLOG_HEAD, syslogPrefix } from '../syslog-prefix.js';
import type { RuleSpec } from '../spec.js';

// Postfix writes the client as name[address] right after fixed words, before anything the client
// chose (HELO name, sender and recipient addresses, SASL user name), and a verified name never
// holds "[" or a space: the host is the first bracketed field after "from" / "warning:".
export const POSTFIX_CLIENT = '[^\\s\\[\\]]*\\[<HOST>\\](?::\\d+)?';
// The start of an smtpd access-restriction reject up to its reply text (shared with postfix-rejects).
export const POSTFIX_REJECT = `(?:NOQUEUE|[0-9A-Za-z]{5,}): reject: (?:RCPT|MAIL|DATA|EHLO|HELO|VRFY|ETRN|CONNECT) from ${POSTFIX_CLIENT}: [45]\\d\\d [45]\\.\\d{1,3}\\.\\d{1,3} `;

// An HTTP request line (method, target, version) as smtpd and postscreen print it.
const HTTP_REQUEST = '(?:GET|POST|HEAD|PUT|CONNECT|OPTIONS|DELETE) \\S+ HTTP/\\d(?:\\.\\d)?$';

// Dovecot writes the user name before the address in both of its formats: login processes
// "user=<NAME>, method=M, rip=ADDR, lip=..., session=<ID>" and the auth process
// "passdb(NAME,ADDR,<ID>): message" (2.4: "auth-worker(NAME,ADDR)<pid><ID>: ..."). A user name
// may hold any of ",>)"; so every pattern takes the last address field before text that only
// Dovecot writes, with a greedy user part, and ends at the end of the line (auth lines: see
// AUTH_USER and AUTH_RESULT for the password that auth_verbose_passwords appends). Every pattern
// captures the user name as `user`: PAM's line and auth lines without a session id relate to
// the other lines of their address only through it (a login forgives its own user's failures).
const DOVECOT_PROCESS = '(?:(?:dovecot|dovecot-auth)(?:\\[\\d+\\])?: ){0,2}';
const LOGIN = '(?:imap|pop3|submission|managesieve|lmtp|sieve)-login: (?:Info: )?';
// The local address is left out when Dovecot does not know it (some proxies, cPanel's builds).
const LOGIN_TAIL = 'rip=<HOST>(?:, lip=[0-9A-Fa-f.:]+)?(?:, [^,]*)*?(?:, session=<(?<key>[^>,]*)>)?$';
// The reason, then what auth_verbose_passwords adds (docker-mailserver sets it): "(given
// password: P)" or "(SHA1 of given password: HEX)", and " - trying the next passdb". Nothing
// after the address may hold a comma, so a user name imitating ",ADDR): reason" is followed by
// the real ",ADDR" and cannot match at the forged one.
// PAM's reason runs to the end of the line on its own: a lazy reason before an optional "(...)"
// tried every split of a long comma-free reason (quadratic).
const AUTH_RESULT = '(?:(?:unknown user|Password mismatch|invalid credentials) ?(?:\\([^,]*\\))?(?: - trying the next (?:passdb|userdb))?|pam_authenticate\\(\\) failed: [^,]*)$';
// The user name in "passdb(USER,ADDR...): " (2.4: "auth-worker(USER,ADDR)<pid>"): it never
// spans "given password: ", so a password imitating the field after it is never read as it, nor
// Dovecot's refusal of a name it will not look up, which echoes that name at the end of the line
// ("plain(?,ADDR,<ID>): Username character disallowed by auth_username_chars: 0x2c (username:
// x,VICTIM): Password mismatch ()" must not read VICTIM).
const AUTH_USER = '(?:(?!given password: |\\): Username character disallowed ).)*';
// rsyslog's fold of identical lines (Dovecot 2.0/2.1 logins carry no session id; PAM's line none).
const REPEATED = '(?:message repeated \\d+ times: \\[ )?';

export const MAIL_RULES: readonly RuleSpec[] = [
  {
    name: 'postfix',
    description: 'Postfix smtpd/postscreen: SASL authentication failures, sessions dropped in AUTH, DNSBL (RBL) and client-name blocklist rejects, relay and bot-HELO rejects, command pipelining, HTTP requests sent to SMTP',
    prefilter: ['authentication failed', ': reject: ', 'improper command pipelining', ' after AUTH from ', ' auth=0/', 'sasl_username=', 'non-SMTP command from ', 'NON-SMTP COMMAND from ', 'COMMAND PIPELINING from '],
    prefix: syslogPrefix('postfix(?:-[\\w.-]+)?/(?:[\\w.-]+/)?(?:smtpd|postscreen)'),
    failregex: [
      // a wrong SASL password (not the server losing its auth backend, not a bad mechanism name)
      `warning: ${POSTFIX_CLIENT}: SASL [\\w-]+ authentication failed(?!: (?:Connection lost to authentication server|Invalid authentication mechanism))(?::.*)?$`,
      // a client listed in a DNSBL (smtpd reject_rbl_client, postscreen), or whose own name is
      // in a domain list (reject_rhsbl_client, reject_rhsbl_reverse_client, reject_rhsbl_helo); a
      // listed sender domain (reject_rhsbl_sender) is left alone: a forwarder relays those too
      `${POSTFIX_REJECT}Service unavailable; (?:[Cc]lient(?: host)?|Unverified Client host|Helo command) \\[[^\\]]*\\] blocked using .*$`,
      // an attempt to relay through this server (a copy whose viewer took "<rcpt>" for markup
      // keeps the ": " alone)
      `${POSTFIX_REJECT}(?:(?:<[^<>]*>)?: )?Relay access denied;.*$`,
      // a client talking ahead of the server's replies (spam engines); what it sent follows
      `improper command pipelining after \\S+ from ${POSTFIX_CLIENT}(?::.*)?$`,
      {
        role: 'companion' as const,
        why: 'a session that ended in AUTH: after its failures (logged one by one above, same pid), or a client that dropped or stalled there without finishing one; Postfix 3.10 writes NOQUEUE (or the queue id) first',
        pattern: `(?:(?:NOQUEUE|[0-9A-Za-z]{5,}): )?(?:too many errors|lost connection|timeout) after AUTH from ${POSTFIX_CLIENT}$`,
      },
      {
        role: 'companion' as const,
        why: 'the session\'s summary (Postfix 3.0+): AUTH tried, none succeeded',
        pattern: `disconnect from ${POSTFIX_CLIENT}(?: [a-z]+=\\d+(?:/\\d+)?)* auth=0/\\d+(?: [a-z]+=\\d+(?:/\\d+)?)*$`,
      },
      // a HELO no mail server sends ("WIN-5N8GBBS0R5I", "User"), refused for good; a temporary
      // refusal (soft_bounce) is left alone, as are the rejects a legitimate sender can earn too
      // (unknown recipient, unresolvable client or sender domain, local blacklists)
      `(?:NOQUEUE|[0-9A-Za-z]{5,}): reject: (?:RCPT|MAIL|DATA|EHLO|HELO) from ${POSTFIX_CLIENT}: 5\\d\\d 5\\.\\d{1,3}\\.\\d{1,3} (?:<[^<>]*>)?: Helo command rejected: need fully-qualified hostname;.*$`,
      // an HTTP request sent to the SMTP port (smtpd_forbidden_commands, Postfix 2.2+): a proxy
      // or web scanner; other forbidden input (TLS bytes on a plain port) can be a client's
      // misconfiguration and is left alone
      `warning: non-SMTP command from ${POSTFIX_CLIENT}: ${HTTP_REQUEST}`,
      // the same caught by postscreen's deep protocol tests ("after CONNECT: " up to 3.7)
      `NON-SMTP COMMAND from \\[<HOST>\\]:\\d+ (?:after \\S+: )?${HTTP_REQUEST}`,
      // postscreen's pipelining test, the same as smtpd's (3) above
      `COMMAND PIPELINING from \\[<HOST>\\]:\\d+ after .*$`,
    ].map(endsInSyslogFold),
    // A login that worked names its SASL user on the queue id line.
    successregex: [endsInSyslogFold(`[0-9A-Za-z]{5,}: client=${POSTFIX_CLIENT}, sasl_method=\\S+, sasl_username=.*$`)],
    ignoreregex: [],
    logpath: ['/var/log/mail.log', '/var/log/maillog', '/var/log/mail/mail.log'],
    port: ['smtp', 'submission', 'submissions'],
  },
  {
    name: 'dovecot',
    description: 'Dovecot IMAP/POP3/submission/ManageSieve: logins that failed authentication, passdb failures, PAM (pam_unix, pam_sss) failures',
    prefilter: ['auth failed', 'tried to use ', 'pam_authenticate', 'unknown user', 'Password mismatch', 'invalid credentials', 'authentication failure', 'Login: '],
    prefix: `${SYSLOG_HEAD}${DOVECOT_PROCESS}${REPEATED}`,
    failregex: [
      // a connection that ended after failed logins: the attempt (2.2/2.3 and 2.4 wordings; the
      // reason before it is Dovecot's or the TLS library's, e.g. "read(size=1003) failed: ...");
      // a user name without its "<>" (a copy whose viewer took them for markup) has no "," or space
      `${LOGIN}(?:Aborted login|Disconnected|Login aborted|Client has quit the connection|Remote closed connection)(?:: .*?)? \\((?:auth failed, \\d+ attempts(?: in \\d+ secs)?|tried to use (?:disabled|disallowed) \\S+ auth|proxy dest auth failed)\\)(?: \\(\\w+\\))?: (?:user=(?:<(?<user>.*)>|[^<>\\s,]+), )?(?:method=\\S+, )?${LOGIN_TAIL}`,
      {
        role: 'companion' as const,
        why: 'the auth process\'s reason (auth_verbose), 2.2/2.3: passdb(user,addr[,master][,<session>]), the session field possibly empty; 2.3.19+ names the worker connection first',
        pattern: `auth(?:-worker)?(?:\\([\\w-]+\\))?: (?:Info: )?(?:conn unix:auth-worker \\([^)]*\\): auth-worker<\\d+>: )?[\\w-]+\\((?<user>${AUTH_USER}),<HOST>(?:,master)?(?:,<(?<key>[^>,]*)>|,)?\\): ${AUTH_RESULT}`,
      },
      {
        role: 'companion' as const,
        why: 'the same in 2.4: auth-worker(user,addr)<pid><session>: request [n]: passdb: reason; the auth process writes neither pid nor request, and later 2.4 add the SASL mechanism and ",master" (a master user login) after the address',
        pattern: `auth(?:-worker)?\\((?<user>${AUTH_USER}),<HOST>(?:,sasl:[\\w-]+)?(?:,master)?\\)(?:<\\d+>)?(?:<(?<key>[^>,]*)>)?: (?:request \\[\\d+\\]: )?(?:Info: )?[\\w-]+: ${AUTH_RESULT}`,
      },
      {
        role: 'companion' as const,
        why: 'PAM\'s line (passdb pam; pam_sss where SSSD/FreeIPA authenticates); it carries no session id. The PAM service is "dovecot" unless passdb args name another ("%s": imap, pop3, smtp), and then Dovecot\'s own tty=dovecot says who asked',
        pattern: `(?:auth(?:-worker)?(?:\\([\\w-]+\\))?: )?${REPEATED}pam_(?:unix|sss)\\((?:dovecot:auth\\): authentication failure; logname=\\S* uid=\\d* euid=\\d* tty=\\S*|[\\w.-]+:auth\\): authentication failure; logname=\\S* uid=\\d* euid=\\d* tty=dovecot) ruser=(?<user>\\S*) rhost=<HOST>(?:\\s+user=\\S*)?$`,
      },
    ].map(endsInSyslogFold),
    successregex: [`${LOGIN}Login: user=<(?<user>.*)>, (?:method=\\S+, )?${LOGIN_TAIL}`],
    ignoreregex: [],
    logpath: ['/var/log/mail.log', '/var/log/maillog', '/var/log/dovecot.log', '/var/log/dovecot/info.log'],
    port: ['imap', 'imaps', 'pop3', 'pop3s'],
  },
];

import { endsInSyslogFold, syslogPrefix, syslogPrefixNoKey } from '../syslog-prefix.js';
import type { RuleSpec } from '../spec.js';

// PAM's pam_unix line; ruser and user are the FTP login name, so both are single words here: a
// name with spaces could forge a second "rhost=", and such a line is not matched at all. The
// login name is captured as `user` (here and in each daemon's own lines): PAM's line and the
// daemon's relate by address and user, so a login that worked forgives only its own user's.
const PAM_FAILURE = 'authentication failure; logname=\\S* uid=\\d* euid=\\d* tty=\\S* ruser=(?<user>\\S*) rhost=<HOST>(?:\\s+user=\\S*)?$';

// The PAM modules that write that line for a service: pam_unix, and SSSD's pam_sss (FreeIPA, AD).
function pamModule(service: string): string {
  return `pam_(?:unix|sss)\\(${service}:auth\\): `;
}

// vsftpd's own log (vsftpd.log, dual_log): ctime stamp, then "[pid N]"; with syslog_enable the
// syslog header instead. The login name is in brackets before the client address, which the
// server writes last in quotes (vsftpd 3 may append a quoted reason).
const CTIME = '[A-Z][a-z]{2} [A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} ';
const VSFTPD_PREFIX = `^(?:${CTIME}|${syslogPrefixNoKey('vsftpd|vsftpd\\(pam_unix\\)').slice(1)})(?:\\[pid \\d+\\] )?`;
// With log_ftp_protocol=YES vsftpd also logs every command as `FTP command: Client "IP", "TEXT"`,
// TEXT being the client's and last: a command can end the line like a FAIL LOGIN for another
// address. A line naming that action is not read as a login line.
const NOT_COMMAND = '(?!.*\\] FTP command: Client ")';
const NOT_PROTOCOL = '(?!.*\\] FTP (?:command|response): Client ")';

// ProFTPD: "proftpd[PID] SERVER (NAME[ADDRESS]):" or " - ", syslog or its own SystemLog. NAME is
// a resolved host name (no brackets, spaces or parentheses) or the address; the login name comes
// after, so the first bracketed address is the client. Some journald setups (Rocky Linux 8) show
// "session[PID]" before SERVER.
const PROFTPD_CLIENT = '(?:session\\[\\d+\\] )?\\S+ \\([^\\s\\[\\]()]*\\[<HOST>\\]\\)(?::| -) ';

export const FTP_RULES: readonly RuleSpec[] = [
  {
    name: 'vsftpd',
    description: 'vsftpd: FAIL LOGIN in vsftpd.log or syslog, and PAM failures',
    prefilter: ['FAIL LOGIN', 'authentication failure', 'OK LOGIN', '530 Permission denied'],
    prefix: VSFTPD_PREFIX,
    failregex: [
      `${NOT_PROTOCOL}\\[(?<user>.*)\\] FAIL LOGIN: Client "<HOST>"(?:, "[^"]*")?$`,
      {
        role: 'companion' as const,
        why: 'PAM\'s line for the same try; no pid is shared with the FAIL LOGIN line, the address relates them',
        pattern: `(?:${pamModule('vsftpd')}|\\(pam_unix\\) )?${PAM_FAILURE}`,
      },
      // log_ftp_protocol=YES: a name refused by userlist_enable gets this reply and, upstream (Debian,
      // Ubuntu), no FAIL LOGIN line; the reply text is the server's, after the client's name
      `${NOT_COMMAND}\\[.*\\] FTP response: Client "<HOST>", "530 Permission denied\\."$`,
    ].map(endsInSyslogFold),
    successregex: [endsInSyslogFold(`\\[(?<user>[^\\]]*)\\] OK LOGIN: Client "<HOST>"(?:, .*)?$`)],
    ignoreregex: [],
    logpath: ['/var/log/vsftpd.log'],
    port: ['ftp', 'ftp-data', 'ftps', 'ftps-data'],
  },
  {
    name: 'proftpd',
    description: 'ProFTPD: wrong passwords, unknown users, root logins, too many tries, PAM failures',
    prefilter: [
      'Login failed', 'no such user found', 'not a UserAlias', 'SECURITY VIOLATION', 'Maximum login attempts',
      'authentication failure', 'Login successful',
    ],
    prefix: syslogPrefix('proftpd'),
    failregex: [
      `${PROFTPD_CLIENT}(?:USER|ANON) (?<user>.*) \\(Login failed\\): .*$`,
      `${PROFTPD_CLIENT}USER (?<user>.*): (?:no such user found|user is not a UserAlias) from .*$`,
      `${PROFTPD_CLIENT}SECURITY VIOLATION: \\S+ login attempted\\.?$`,
      {
        role: 'companion' as const,
        why: 'MaxLoginAttempts reached: the tries were logged one by one above, in the same pid',
        pattern: `${PROFTPD_CLIENT}Maximum login attempts \\(\\d+\\) exceeded(?:, connection refused)?\\s*$`,
      },
      {
        role: 'companion' as const,
        why: 'mod_auth_pam: PAM\'s line in the same process as ProFTPD\'s own (which may be in its SystemLog)',
        pattern: `${pamModule('proftpd')}${PAM_FAILURE}`,
      },
    ],
    successregex: [`${PROFTPD_CLIENT}USER (?<user>.*): Login successful\\.?$`],
    ignoreregex: [],
    logpath: ['/var/log/proftpd/proftpd.log', '/var/log/proftpd/auth.log'],
    port: ['ftp', 'ftp-data', 'ftps', 'ftps-data'],
  },
  {
    name: 'pure-ftpd',
    description: 'Pure-FTPd: Authentication failed for user [...] (English messages, addresses not resolved)',
    prefilter: ['Authentication failed for user'],
    prefix: syslogPrefix('pure-ftpd'),
    // Before a login the session shows as (?@ADDRESS); the tried name comes last, in brackets.
    failregex: [`\\(\\?@<HOST>\\) \\[WARNING\\] Authentication failed for user \\[.*\\]\\s*$`],
    ignoreregex: [],
    // It logs only to syslog (facility ftp: /var/log/syslog, /var/log/messages), which every host
    // has, so the embedded defaults do not turn it on by themselves: a jail names it.
    logpath: [],
    port: ['ftp', 'ftp-data', 'ftps', 'ftps-data'],
  },
];

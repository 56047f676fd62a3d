import { endsInSyslogFold, syslogPrefix } from '../syslog-prefix.js';
import type { RuleSpec } from '../spec.js';

// OpenSSH message texts (auth.c, auth2.c, auth-pam.c, sshd.c, kex.c, packet.c): the client picks
// the user name and its version banner; sshd appends the address after them, so every pattern is
// anchored at the end of the line where the address is the last thing sshd wrote, or (for
// messages whose client text comes last) right after the fixed words that start the message. The
// pid is the key: one connection's lines share it (OpenSSH 9.8+ logs them as sshd-session,
// relayed pre-auth lines carry " [preauth]").
const USER = '(?:invalid user |illegal user )?.*?';
// "for %s%s" names an unknown user after "invalid user " (any text) and a known one bare: an
// account name, one word (Solaris writes "<invalid username>").
const UNKNOWN_USER = '(?:(?:invalid|illegal) user .*?|<invalid username>)';
const PORT_OPT = '(?: port \\d+)?';
const KEY_INFO = '(?:: [A-Z0-9-]+ (?:(?:SHA256|MD5):\\S+|(?:[0-9a-f]{2}:){15}[0-9a-f]{2}))?';
// pam_strerror() texts: Linux-PAM, and OpenPAM (FreeBSD, macOS); the last two are PAM_MAXTRIES.
const PAM_ERROR = '(?:[Aa]uthentication (?:failure|error)|User not known to the underlying authentication module|unknown user'
  + '|Have exhausted maximum number of retries for service|maximum number of tries exceeded)';
// Linux-PAM writes "rhost=%s %s%s" with " user=" and the name: a line naming no user ends in a space.
const PAM_TAIL = '(?:\\s+user=\\S*| ?)';

/** Connections that never authenticate, read by sshd and by sshd-ddos alike (role `fail`). */
export const SCANNER_PATTERNS: readonly string[] = [
  // a connection that never sent an SSH banner (scanners)
  `Did not receive identification string from <HOST>${PORT_OPT}$`,
  // a banner that is not SSH (OpenSSH before 8.2)
  `Bad protocol version identification '.*' from <HOST>${PORT_OPT}$`,
  // a bad banner or a dropped connection during the banner (OpenSSH 8.2+)
  `banner exchange: Connection from <HOST> port \\d+: .*$`,
  // a client offering only algorithms no one should accept (old bots); OpenSSH before 7.3 wrote no port
  `(?:error: |fatal: )?Unable to negotiate with <HOST>${PORT_OPT}: no matching [\\w -]+ found\\b.*$`,
];

/** The prefix of every sshd line: the pid is the key. */
export const SSHD_PREFIX = syslogPrefix('sshd(?:\\(pam_[a-z0-9]+\\))?|sshd-session|sshd-auth');

/** A login that worked (it settles its connection). */
export const SSHD_SUCCESS = `Accepted \\S+ for .*? from <HOST> port \\d+ ssh\\d?(?:: .*)?$`;

export const SSHD_RULES: readonly RuleSpec[] = [
  {
    name: 'sshd',
    description: 'OpenSSH: failed passwords, invalid users, PAM failures, too many tries, pre-auth probes and closes',
    prefilter: [
      'Failed ', 'nvalid user ', 'llegal user ', 'uthentication ', 'Connection ', 'Disconnect', 'identification', 'negotiate',
      'not allowed because', 'Auth fail', 'Accepted ', 'PAM: ', 'ROOT LOGIN REFUSED', 'refused connect',
      'Received disconnect', 'drop connection', 'major versions differ',
    ],
    // Linux-PAM before 0.99 (RHEL 4, Fedora Core) logged its modules as "sshd(pam_unix)[pid]"
    prefix: SSHD_PREFIX,
    failregex: [
      // a password (or PAM conversation) that was wrong
      `Failed (?:password|keyboard-interactive(?:/(?:pam|bsdauth))?) for (?:${UNKNOWN_USER}|\\S+) from <HOST>${PORT_OPT}(?: ssh\\d?)?$`,
      {
        role: 'companion' as const,
        why: 'a user name that does not exist (the password try that follows is the attempt)',
        pattern: `(?:Invalid|Illegal) user .*? from <HOST>${PORT_OPT}$`,
      },
      {
        role: 'companion' as const,
        why: 'PAM\'s own line for the same try as "Failed password": pam_unix, or pam_sss (SSSD, FreeIPA/AD hosts) and pam_krb5, which write the same words; old Linux-PAM named the module in the program field instead ("sshd(pam_unix)[pid]: authentication failure; ...")',
        pattern: `(?:pam_[a-z0-9]+\\(sshd:auth\\): )?authentication failure; logname=\\S* uid=\\d* euid=\\d* tty=\\S* ruser=\\S* rhost=<HOST>${PAM_TAIL}(?: \\[preauth\\])?$`,
      },
      {
        role: 'companion' as const,
        why: 'a key, the "none" method or another method refused: a user\'s agent often offers several keys first',
        pattern: `Failed (?:publickey|none|unknown|gssapi-with-mic|gssapi-keyex) for ${USER} from <HOST> port \\d+ ssh\\d?${KEY_INFO}$`,
      },
      {
        role: 'companion' as const,
        why: 'MaxAuthTries reached: the end of tries already logged one by one',
        pattern: `(?:error: )?maximum authentication attempts exceeded for ${USER} from <HOST>${PORT_OPT}(?: ssh\\d?)? \\[preauth\\]$`,
      },
      {
        role: 'companion' as const,
        why: 'the same, as OpenSSH 7.x wrote it with the address; or a client switching user names mid-connection. The reason repeats both names, so it may hold no parenthesis of its own.',
        pattern: `Disconnecting (?:authenticating|invalid) user .*? <HOST> port \\d+: (?:Too many authentication failures|Change of username or service not allowed: \\([^()]*\\) -> \\([^()]*\\)) \\[preauth\\]$`,
      },
      {
        role: 'companion' as const,
        why: 'a client that gave up while authenticating',
        pattern: `(?:Connection (?:closed|reset) by|Disconnected from) (?:authenticating|invalid) user .*? <HOST> port \\d+ \\[preauth\\]$`,
      },
      {
        role: 'companion' as const,
        why: 'PAM failures as sshd itself reports them (macOS, Solaris, older Linux)',
        pattern: `(?:error: )?PAM: ${PAM_ERROR} for ${USER} from <HOST>(?: via \\S+)?\\s*$`,
      },
      {
        role: 'companion' as const,
        why: 'AllowUsers/DenyUsers/AllowGroups/DenyGroups refusals',
        pattern: `User .*? from <HOST> not allowed because (?:not listed in AllowUsers|listed in DenyUsers|not in any group|a group is listed in DenyGroups|none of user's groups are listed in AllowGroups)$`,
      },
      // 9-12: connections that never authenticate (see SCANNER_PATTERNS)
      ...SCANNER_PATTERNS,
      {
        role: 'companion' as const,
        why: 'PAM\'s summary when a connection ends after several failures',
        pattern: `(?:PAM )?\\d+ more authentication failures?; logname=\\S* uid=\\d* euid=\\d* tty=\\S* ruser=\\S* rhost=<HOST>${PAM_TAIL}$`,
      },
      {
        role: 'companion' as const,
        why: 'a client giving up: "auth fail" (JSch), or code 14, SSH_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE, whatever words the client sends with it ("No supported authentication methods available", "No more user authentication methods available."); the address comes right after sshd\'s words',
        pattern: `(?:error: )?Received disconnect from <HOST>(?: port \\d+)?:\\s*(?:3: .*: Auth fail(?: \\[preauth\\])?|14: .*)$`,
      },
      {
        role: 'companion' as const,
        why: 'PermitRootLogin refused a login as root (the Failed line of the same try follows)',
        pattern: `ROOT LOGIN REFUSED FROM <HOST>(?: port \\d+)?(?: \\[preauth\\])?$`,
      },
      // tcp_wrappers (hosts.deny) refused the connection: "[ident@]name (address)" or the address
      `refused connect from (?:\\S+ \\()?<HOST>\\)?$`,
      {
        role: 'companion' as const,
        why: 'A client that left before logging in without naming a user ("Connection closed by <ip> port N [preauth]", "Received disconnect ...: 11: Bye Bye [preauth]") is not matched: load-balancer health checks, ssh-keyscan and monitoring probes write exactly that, and a probe every few seconds would ban them (sshd-ddos counts them, as fail2ban\'s ddos mode). a host key refused; the client\'s user and host names follow the address, so the address is read only when it is the line\'s one " from ... port ... ssh"',
        pattern: `Failed hostbased for (?:(?! from \\S+ port \\d+ ssh).)*? from <HOST> port \\d+ ssh\\d?: (?!.* from \\S+ port \\d+ ssh)[A-Z0-9-]+ \\S+, client user "(?=.*", client host ").*"$`,
      },
      {
        role: 'companion' as const,
        why: 'LoginGraceTime ran out (the session\'s own pid; OpenSSH 9.8+ logs it in the listener with the session pid)',
        pattern: `(?:fatal: )?Timeout before authentication for <HOST> port \\d+$`,
      },
      {
        role: 'companion' as const,
        pattern: `Timeout before authentication for connection from <HOST> to [0-9A-Fa-f.:]+, pid = (?<key>\\d+)$`,
      },
      // OpenSSH 9.8+ PerSourcePenalties: the listener refuses a new connection from an address it
      // penalised for failed logins, a LoginGraceTime run out or a crash. Not the "connections without
      // attempting authentication" penalty (ssh-keyscan, health checks) nor MaxStartups drops.
      `drop connection #\\d+ from \\[<HOST>\\]:\\d+ on \\[[^\\]\\s]+\\]:\\d+ penalty: (?:failed authentication|exceeded LoginGraceTime|caused crash)$`,
      // an SSH-1 client (scanners) on a server that speaks only SSH-2 (OpenSSH before 7.6); the
      // two version strings after the address are the server's and the client's
      `Protocol major versions differ for <HOST>(?: port \\d+)?: SSH-\\S+ vs\\. .*$`,
    ].map(endsInSyslogFold),
    successregex: [endsInSyslogFold(SSHD_SUCCESS)],
    ignoreregex: [],
    logpath: ['/var/log/auth.log', '/var/log/secure'],
    port: ['ssh'],
  },
];

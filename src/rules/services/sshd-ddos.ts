import { endsInSyslogFold } from '../syslog-prefix.js';
import type { RulePattern, RuleSpec } from '../spec.js';
import { SCANNER_PATTERNS, SSHD_PREFIX, SSHD_RULES, SSHD_SUCCESS } from './sshd.js';

// Connections that end before anyone logs in, naming no user: scanners, banner grabbers, bots
// that say goodbye after the key exchange. Health checks, ssh-keyscan and monitoring probes write
// exactly the same lines, so these rules are opt-in (a jail names them) and a monitor's address
// belongs in `ignoreip`. One connection counts once: its lines share the pid. OpenSSH writes some
// of them without the address, before or after a line of the same pid that has it (8.2+:
// "kex_exchange_identification: ..." then "Connection closed by ADDR port N"; 6.x: "Read from
// socket failed" after LogLevel VERBOSE's "Connection from ADDR port N"): those are `unaddressed`
// and take the address of their connection (core/connection-address); the address always comes
// from sshd's own words, never from the client's text inside a line (its banner, its user name).
const DDOS_PATTERNS: readonly RulePattern[] = [
  // a close, reset or disconnect before authentication that names no user (7.3+ add the port)
  { pattern: '(?:Connection (?:closed|reset) by|Disconnected from) <HOST>(?: port \\d+)? \\[preauth\\]$', role: 'companion' },
  // a client's goodbye, code 11 (SSH_DISCONNECT_BY_APPLICATION), before authentication: "Bye Bye",
  // "Normal Shutdown, Thank you for playing" (the text is the client's; before 7.3 no port)
  { pattern: '(?:error: )?Received disconnect from <HOST>(?: port \\d+)?:\\s*11: .* \\[preauth\\]$', role: 'companion' },
  // LogLevel VERBOSE: the first line of every connection (6.x without " on ADDR port N", 7.x+ with
  // it, 7.7+ with the routing domain)
  { pattern: 'Connection from <HOST> port \\d+(?: on [0-9A-Fa-f.:]+ port \\d+)?(?: rdomain "[^"]*")?$', role: 'address' },
  // 8.2+: the end of a connection that failed the banner exchange (no [preauth]: it is the
  // session process's own line); 7.x writes it after a login too, so it only names the address
  { pattern: 'Connection (?:closed|reset) by <HOST> port \\d+$', role: 'address' },
  // 8.2+: the banner exchange failed; the address follows on "Connection closed/reset by" or
  // "banner exchange: Connection from ADDR port N: invalid format"
  { pattern: '(?:error: )?kex_exchange_identification: (?:client sent invalid protocol identifier ".*"|Connection closed by remote host|read: Connection reset by peer)$', role: 'unaddressed' },
  // 6.x: a connection reset during the key exchange
  { pattern: '(?:fatal: )?Read from socket failed: Connection reset by peer(?: \\[preauth\\])?$', role: 'unaddressed' },
  // 6.x-7.5: MaxAuthTries reached, the address on the tries before it or the close after it
  { pattern: 'Disconnecting: Too many authentication failures(?: for .*)?(?: \\[preauth\\])?$', role: 'unaddressed' },
  // 6.x: no algorithm in common (the lists after "client" are the client's)
  { pattern: '(?:fatal: )?(?:Unable to negotiate a key exchange method|no hostkey alg|no matching (?:cipher|mac|comp) found: client .*)(?: \\[preauth\\])?$', role: 'unaddressed' },
];

const SSHD = SSHD_RULES[0]!;
const DDOS_WORDS = ['Connection ', 'Disconnect', 'Received disconnect', 'identification', 'negotiate', 'Read from socket', 'no matching', 'no hostkey alg', 'Bad protocol', 'Accepted '];

export const SSHD_DDOS_RULES: readonly RuleSpec[] = [
  {
    name: 'sshd-ddos',
    description: 'OpenSSH connections that end before authentication naming no user (scanners); health checks write the same lines',
    prefilter: DDOS_WORDS,
    prefix: SSHD_PREFIX,
    failregex: [...SCANNER_PATTERNS, ...DDOS_PATTERNS].map(endsInSyslogFold),
    successregex: [endsInSyslogFold(SSHD_SUCCESS)],
    ignoreregex: [],
    logpath: SSHD.logpath,
    port: SSHD.port,
    optIn: true,
  },
  {
    // fail2ban's `mode = aggressive`: the sshd rule and the lines only sshd-ddos reads, one regex
    name: 'sshd-aggressive',
    description: 'sshd and sshd-ddos together',
    prefilter: [...new Set([...SSHD.prefilter, ...DDOS_WORDS])],
    prefix: SSHD_PREFIX,
    failregex: [...SSHD.failregex, ...DDOS_PATTERNS.map(endsInSyslogFold)],
    successregex: SSHD.successregex ?? [],
    ignoreregex: SSHD.ignoreregex,
    logpath: SSHD.logpath,
    port: SSHD.port,
    optIn: true,
  },
];

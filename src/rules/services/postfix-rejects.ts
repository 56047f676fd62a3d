// Postfix smtpd rejects that fail2ban's postfix filter counts in its "normal" mode and logban's
// `postfix` rule leaves alone: a dictionary attack and a spam run earn them, but so can a big
// provider's outgoing server (a user who left, a PTR record gone missing, a DNS hiccup), so a jail
// has to name this rule next to `postfix`. The two rules never match the same line: `postfix`
// keeps the non-FQDN HELO and everything that ends in AUTH, this rule takes none of them.
import { POSTFIX_CLIENT, POSTFIX_REJECT } from './mail.js';
import { endsInSyslogFold, syslogPrefix } from '../syslog-prefix.js';
import type { RuleSpec } from '../spec.js';

// What the reject was about, as smtpd writes it before the reason: "<NAME>: " where NAME is the
// recipient, sender or HELO name (the client's text, so it may not hold "<" or ">"); ": " alone
// where a log viewer dropped the angle brackets.
const ABOUT = '(?:(?:<[^<>]*>)?: )?';

// Every reply text below is followed by the ";" that ends smtpd's own part of the line, so a reason
// the client wrote into a later field (from=<...> to=<...> helo=<...>) is never read as Postfix's.
export const POSTFIX_REJECTS_RULES: readonly RuleSpec[] = [
  {
    name: 'postfix-rejects',
    description: 'Postfix smtpd, opt-in: unknown recipients (dictionary attacks), clients without reverse DNS, unknown or invalid HELO names, sender domains that do not resolve, sessions ended for too many errors',
    prefilter: ['rejected: User unknown', 'rejected: cannot find your ', 'Helo command rejected: ', 'rejected: Domain not found', 'too many errors after '],
    prefix: syslogPrefix('postfix(?:-[\\w.-]+)?/(?:[\\w.-]+/)?smtpd'),
    failregex: [
      // RCPT or VRFY for a user this server does not have (local_recipient_maps, virtual
      // alias/mailbox maps, relay_recipient_maps; the table name is left out with
      // show_user_unknown_table_name = no); 4xx with soft_bounce or a 450 reject code
      `${POSTFIX_REJECT}${ABOUT}Recipient address rejected: User unknown(?: in (?:local recipient|virtual mailbox|virtual alias|relay recipient) table)?;.*$`,
      // reject_unknown_client_hostname / reject_unknown_reverse_client_hostname, for good or
      // for now; Postfix writes the client's own address in the brackets
      `${POSTFIX_REJECT}Client host rejected: cannot find your (?:reverse )?hostname, \\[[0-9A-Fa-f.:]+\\];.*$`,
      // reject_unknown_helo_hostname, reject_invalid_helo_hostname (a HELO name without a
      // dot is `postfix`'s "need fully-qualified hostname")
      `${POSTFIX_REJECT}${ABOUT}Helo command rejected: (?:Host not found|Invalid name);.*$`,
      // reject_unknown_sender_domain
      `${POSTFIX_REJECT}${ABOUT}Sender address rejected: Domain not found;.*$`,
      {
        role: 'companion' as const,
        why: 'the session that smtpd_hard_error_limit ended, after any command but AUTH (`postfix` counts that one); Postfix 3.10 puts NOQUEUE or the queue id first. The rejects before it (same pid) are the attempts: it counts only for a session none of whose rejects counted',
        pattern: `(?:(?:NOQUEUE|[0-9A-Za-z]{5,}): )?too many errors after (?!AUTH\\b)[A-Z][A-Z-]*(?: \\(\\d+ bytes\\))? from ${POSTFIX_CLIENT}$`,
      },
    ].map(endsInSyslogFold),
    ignoreregex: [],
    logpath: ['/var/log/mail.log', '/var/log/maillog', '/var/log/mail/mail.log'],
    port: ['smtp', 'submission', 'submissions'],
    optIn: true,
  },
];

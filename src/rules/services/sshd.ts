import { SSHD_PREFIX } from '../prefixes.js';
import type { RuleSpec } from '../spec.js';

export const SSHD_RULES: readonly RuleSpec[] = [
  {
    name: 'sshd',
    description: 'OpenSSH: failed passwords, invalid users, too many authentication attempts',
    prefilter: ['Failed ', 'nvalid user ', 'llegal user ', 'maximum authentication attempts'],
    prefix: SSHD_PREFIX,
    failregex: [
      `Failed (?:password|keyboard-interactive/pam) for (?:invalid user )?.*? from <HOST> port \\d+(?: ssh\\d?)?$`,
      `(?:Invalid|Illegal) user .*? from <HOST>(?: port \\d+)?$`,
      `error: maximum authentication attempts exceeded for (?:invalid user )?.*? from <HOST> port \\d+(?: ssh\\d?)? \\[preauth\\]$`,
    ],
    ignoreregex: [],
    logpath: ['/var/log/auth.log', '/var/log/secure'],
    port: ['ssh'],
  },
];

// Line prefixes shared by rules: timestamp, host and process as each log format writes them.
import { SYSLOG_HEAD } from './syslog-prefix.js';

// Every stamp, host and facility form of syslog-prefix.ts (RFC 3164/3339/5424, journald, socklog,
// busybox, AIX), unanchored: web logs relayed through syslog carry the same heads as sshd's lines.
export const SYSLOG_PREFIX = SYSLOG_HEAD.slice(1);

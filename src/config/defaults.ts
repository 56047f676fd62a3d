import { RULES } from '../rules/library.js';

export const DEFAULT_CONFIG_PATH = '/etc/logban/logban.toml';
export const DEFAULT_STATE_DIR = '/var/lib/logban';

export const DEFAULTS = {
  findtime: 600,
  maxretry: 5,
  bantime: 3600,
  bantimeFactor: 1,
  maxbantime: null,
  ignoreip: ['127.0.0.0/8', '::1'],
  // An IPv6 host gets a /64 (RFC 6177); a subnet to escalate to is a /24 or a provider's /48.
  ipv4Prefix: 32,
  ipv6Prefix: 64,
  subnetPrefix4: 24,
  subnetPrefix6: 48,
  backend: 'iptables',
  chains: ['INPUT'],
} as const;

// Daemons whose logs may be in the journal only (Debian 12 installs no rsyslog, so no auth.log,
// and its MariaDB writes no error file), with their units as Debian/Ubuntu and RHEL/Arch name
// them. sshd logs through syslog(): one message is one journal entry. MariaDB writes to stderr,
// which journald cuts into one entry per line, a user name's newlines too: the mysqld-auth record
// guard reads the server's date after the tag, so such entries are marked as in the error file
// (README, "Who can choose what logban bans").
const JOURNAL_UNITS: Readonly<Record<string, readonly string[]>> = {
  sshd: ['ssh.service', 'sshd.service'],
  'mysqld-auth': ['mariadb.service', 'mysql.service', 'mysqld.service'],
};
const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const JOURNALCTL = ['/usr/bin/journalctl', '/bin/journalctl'];

// The units of a rule installed on a host that has journalctl: what a jail can read instead of a
// missing file. Told by files, not by the journal's content, so the jails of a host stay the same
// from run to run (a vacuumed journal, a run as another user) and no process runs to load a config.
export function journalUnits(rule: string, exists: (path: string) => boolean): string[] {
  const units = JOURNAL_UNITS[rule] ?? [];
  if (units.length === 0 || !JOURNALCTL.some(exists)) return [];
  return units.filter((u) => UNIT_DIRS.some((d) => exists(`${d}/${u}`)));
}

// With no config file: one jail per built-in rule whose well-known log exists on this host, else
// whose daemon's unit is there to be read from the journal. Opt-in rules (those that would ban
// normal visitors of some sites) must be named in a config.
export function embeddedJails(exists: (path: string) => boolean): Record<string, Record<string, unknown>> {
  const jails: Record<string, Record<string, unknown>> = {};
  for (const rule of RULES) {
    if (rule.optIn) continue;
    const present = rule.logpath.filter(exists);
    const port = [...rule.port];
    if (present.length > 0) {
      jails[rule.name] = { logpath: present, rules: [rule.name], port };
      continue;
    }
    const units = journalUnits(rule.name, exists);
    if (units.length > 0) jails[rule.name] = { journalmatch: units.map((u) => `_SYSTEMD_UNIT=${u}`), rules: [rule.name], port };
  }
  return jails;
}

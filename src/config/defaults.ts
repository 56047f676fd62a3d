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
  backend: 'iptables',
  chains: ['INPUT'],
} as const;

// With no config file: one jail per built-in rule whose well-known log exists on this host.
// Opt-in rules (those that would ban normal visitors of some sites) must be named in a config.
export function embeddedJails(exists: (path: string) => boolean): Record<string, Record<string, unknown>> {
  const jails: Record<string, Record<string, unknown>> = {};
  for (const rule of RULES) {
    if (rule.optIn) continue;
    const present = rule.logpath.filter(exists);
    if (present.length > 0) jails[rule.name] = { logpath: present, rules: [rule.name], port: [...rule.port] };
  }
  return jails;
}

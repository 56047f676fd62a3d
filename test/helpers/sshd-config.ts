// The config most CLI tests use: one sshd jail on $DIR/auth.log, maxretry 3 (or `maxretry`) in
// 10 minutes (or `findtime`), no firewall; `extra` is appended (more jails, a [report] table).
export function sshdJailConfig(opts: { bantime?: string; findtime?: string; maxretry?: number; port?: boolean; extra?: string } = {}): string {
  return [
    '[defaults]', `findtime = "${opts.findtime ?? '10m'}"`, `maxretry = ${opts.maxretry ?? 3}`, `bantime = "${opts.bantime ?? '1h'}"`, '',
    '[firewall]', 'backend = "none"', '',
    '[jails.sshd]', 'logpath = ["$DIR/auth.log"]', 'rules = ["sshd"]', ...(opts.port ? ['port = ["ssh"]'] : []), '',
    opts.extra ?? '',
  ].join('\n');
}

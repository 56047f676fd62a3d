import type { Command } from 'commander';
import { loadConfig } from '../app/load-config.js';
import { writeOut } from './common.js';

type Flags = { config?: string };

// `logban check`: the config read, validated and every rule compiled, and nothing else touched
// (no log, no state, no firewall): what a unit's ExecStartPre or a config-management run calls,
// like `nginx -t`. An error is one line with file:line and exit 2 (from loadConfig).
function check(flags: Flags): void {
  const config = loadConfig(flags.config);
  const names = config.jails.map((j) => j.name);
  writeOut(`ok: ${names.length} jail${names.length === 1 ? '' : 's'} (${names.join(', ')})\n`);
}

export function registerCheck(program: Command): void {
  program.command('check')
    .description('validate the config and compile every rule, touching nothing else; "ok: N jails (...)", exit 0 or 2')
    .option('--config <file>', 'config file (default: $LOGBAN_CONFIG, /etc/logban/logban.toml, else built-in defaults)')
    .action(check);
}

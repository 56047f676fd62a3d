import type { Command } from 'commander';
import { DEFAULT_FAIL2BAN_DIR, importFail2ban } from '../app/import-fail2ban.js';
import { writeErr, writeOut } from './common.js';

/** Exit code when the config was written but something of fail2ban's could not be carried. */
export const EXIT_LEFT_OUT = 3;

// `logban import-fail2ban [DIR]`: a complete logban.toml on stdout; one line on stderr for each
// thing left out (also a comment at its jail), exit 3 then, 0 when everything mapped, 2 when
// the directory or a file in it cannot be read.
function run(dir: string | undefined): void {
  const r = importFail2ban(dir ?? DEFAULT_FAIL2BAN_DIR);
  writeOut(r.toml);
  for (const l of r.leftOut) writeErr(`logban: import-fail2ban: [${l.where}] ${l.text}`);
  process.exitCode = r.leftOut.length > 0 ? EXIT_LEFT_OUT : 0;
}

export function registerImportFail2ban(program: Command): void {
  program.command('import-fail2ban')
    .description('a logban.toml on stdout from fail2ban\'s configuration (default /etc/fail2ban); exit 0, 3 when something was left out (stderr says what), 2 when it cannot be read')
    .argument('[dir]', 'fail2ban\'s configuration directory', DEFAULT_FAIL2BAN_DIR)
    .action(run);
}

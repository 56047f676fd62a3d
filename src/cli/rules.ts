import type { Command } from 'commander';
import { RULES } from '../rules/library.js';
import { writeOut } from './common.js';

export function registerRules(program: Command): void {
  program.command('rules')
    .description('list the built-in rules')
    .option('--json', 'print the rules as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        writeOut(`${JSON.stringify(RULES.map(({ name, description, prefix, failregex, ignoreregex, logpath, port }) => ({ name, description, prefix, failregex, ignoreregex, logpath, port })), null, 2)}\n`);
        return;
      }
      writeOut(RULES.map((r) => `${r.name.padEnd(14)} ${r.description}\n${' '.repeat(15)}logs: ${r.logpath.join(', ')}\n`).join(''));
    });
}

import type { Command } from 'commander';
import { RULES } from '../rules/library.js';
import { writeJson, writeOut } from './common.js';

// What `logban rules --json` shows of a rule: its patterns, what each means for counting
// attempts (fail, companion), the logins that worked (successregex), and where its logs are.
function describeRule(r: (typeof RULES)[number]) {
  const { name, description, prefix, ignoreregex, logpath, port } = r;
  const failregex = r.failregex.map((p) => (typeof p === 'string' ? p : p.pattern));
  const roles = r.failregex.map((p) => (typeof p === 'string' ? 'fail' : p.role));
  return { name, description, prefix, failregex, roles, successregex: r.successregex ?? [], ignoreregex, logpath, port };
}

export function registerRules(program: Command): void {
  program.command('rules')
    .description('list the built-in rules')
    .option('--json', 'print the rules as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        writeJson(RULES.map(describeRule), 2);
        return;
      }
      const width = Math.max(...RULES.map((r) => r.name.length));
      writeOut(RULES.map((r) => `${r.name.padEnd(width)} ${r.description}\n${' '.repeat(width + 1)}logs: ${r.logpath.join(', ') || '(name it in a jail)'}\n`).join(''));
    });
}

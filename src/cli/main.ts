import { Command, CommanderError } from 'commander';
import { ConfigError, RefusedError, UsageError } from '../app/errors.js';
import { escapeOutput } from '../core/text-safety.js';
import { FirewallError } from '../io/firewall/types.js';
import { LockHeld } from '../io/lock.js';
import { StateError } from '../io/state-store.js';
import { registerBan } from './ban.js';
import { writeErr } from './common.js';
import { registerReport } from './report.js';
import { registerRestore } from './restore.js';
import { registerRules } from './rules.js';
import { registerScan } from './scan.js';
import { registerStats } from './stats.js';
import { registerStatus } from './status.js';
import { registerTest } from './test.js';
import { registerUnban } from './unban.js';
import { registerFleet } from './fleet.js';
import { registerExport } from './export.js';
import { registerCheck } from './check.js';
import { registerCompletion } from './completion.js';
import { registerImportFail2ban } from './import-fail2ban.js';
import { logbanVersion } from '../io/version.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, locked: 75 } as const;

function exitCodeFor(e: unknown): number {
  if (e instanceof UsageError || e instanceof ConfigError) return EXIT.usage;
  if (e instanceof LockHeld) return EXIT.locked;
  return EXIT.failure;
}

function messageFor(e: unknown): string {
  if (e instanceof StateError || e instanceof FirewallError || e instanceof ConfigError || e instanceof UsageError || e instanceof LockHeld
    || e instanceof RefusedError) {
    return e.message;
  }
  const err = e as NodeJS.ErrnoException;
  if (err.code && err.path) return `${err.path}: ${err.message} (check the path and permissions)`;
  return `unexpected failure: ${err.stack ?? String(e)}`;
}

// The only top-level catch: every failure becomes one line on stderr and an exit code.
async function main(argv: string[]): Promise<void> {
  const program = new Command('logban')
    .description('Scan logs since the last run and ban brute-force IPs with the firewall (run it from cron)')
    .version(logbanVersion(), '-V, --version', 'print logban\'s version')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${escapeOutput(text.split('\n')[0] ?? '')}\n`) });
  registerScan(program);
  registerTest(program);
  registerStatus(program);
  registerRules(program);
  registerRestore(program);
  registerStats(program);
  registerReport(program);
  registerBan(program);
  registerUnban(program);
  registerFleet(program);
  registerExport(program);
  registerCheck(program);
  registerImportFail2ban(program);
  registerCompletion(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    writeErr(`logban: ${messageFor(e)}`);
    process.exitCode = exitCodeFor(e);
  }
}

await main(process.argv);

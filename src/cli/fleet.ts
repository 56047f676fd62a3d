import type { Command } from 'commander';
import { loadConfig } from '../app/load-config.js';
import { UsageError } from '../app/errors.js';
import { createCrowdsecEngine } from '../io/fleet/crowdsec.js';
import { withCommon, writeOut, type CommonOptions } from './common.js';

// `logban fleet check`: what a person runs after writing [fleet], and a monitor runs now and then.
async function check(flags: CommonOptions): Promise<void> {
  const config = loadConfig(flags.config);
  if (!config.fleet) throw new UsageError(`${config.path ?? 'the embedded defaults'}: no [fleet] table: add one (see "Running a fleet" in the README)`);
  const engine = createCrowdsecEngine(config.fleet, { budgetMs: 10_000 });
  const r = await engine.check!();
  writeOut(`${r.lines.join('\n')}\n`);
  if (!r.ok) process.exitCode = 1;
}

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('the fleet\'s engine ([fleet]: CrowdSec\'s Local API)');
  withCommon(fleet.command('check'))
    .description('the engine reachable, the machine\'s login and the bouncer key good; exit 0 or 1')
    .action(check);
}

import type { Command } from 'commander';
import { runBan } from '../app/manual.js';
import { toIso } from '../core/timestamp.js';
import { droppedLine, withCommon, writeJson, writeOut, type CommonOptions } from './common.js';
import { withManualDeps } from './manual-run.js';

type Flags = CommonOptions & { jail?: string };

// A ban by hand goes through the state, so scans keep it and `restore` brings it back.
async function ban(ip: string, flags: Flags): Promise<void> {
  await withManualDeps(flags, async (deps, now) => {
    const r = await runBan(ip, flags.jail, now, deps);
    const expiresAt = r.ban.expiresAt === null ? null : toIso(r.ban.expiresAt);
    if (flags.json) {
      const recidive = r.recidive.map((b) => ({ ip: b.ip, jail: b.jail, expiresAt: b.expiresAt === null ? null : toIso(b.expiresAt) }));
      writeJson({ ip: r.ban.ip, jail: r.ban.jail, bannedAt: toIso(r.ban.bannedAt), expiresAt, already: r.already, commands: r.commands, unbans: r.refused, ...(recidive.length > 0 ? { recidive } : {}) }, 2);
      return;
    }
    const until = (t: number | null) => (t === null ? 'permanently (until logban unban)' : `until ${toIso(t)}`);
    const also = r.recidive.map((b) => `logban: that is its ban number ${b.failures} within [recidive] findtime: banned in jail recidive (every port) ${until(b.expiresAt)}\n`);
    writeOut(`${r.refused.map(droppedLine).join('')}logban: ${r.already ? `${r.ban.ip} was already banned` : `banned ${r.ban.ip}`} in jail ${r.ban.jail} ${until(r.ban.expiresAt)}\n${also.join('')}`);
    if (r.fleetNote) writeOut(`warning: ${r.fleetNote}\n`);
  });
}

export function registerBan(program: Command): void {
  withCommon(program.command('ban <ip>'))
    .description('ban an IP or a CIDR block by hand: in a jail (its ports and bantime) or, without --jail, everything, until unbanned')
    .option('--jail <name>', 'the jail whose ports and bantime apply')
    .option('--json', 'print one JSON object')
    .action(ban);
}

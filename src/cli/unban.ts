import type { Command } from 'commander';
import { runUnban } from '../app/manual.js';
import { toIso } from '../core/timestamp.js';
import { droppedLine, withCommon, writeJson, writeOut, type CommonOptions } from './common.js';
import { withManualDeps } from './manual-run.js';

type Flags = CommonOptions & { jail?: string };

// Lifts a ban (e.g. your own address) and forgets the IP's pending failures, so the next scan does not ban it again.
async function unban(ip: string, flags: Flags): Promise<void> {
  await withManualDeps(flags, async (deps, now) => {
    const r = await runUnban(ip, flags.jail, now, deps);
    const unbans = r.removed.map((b) => ({ ip: b.ip, jail: b.jail, reason: 'manual' }));
    const fleet = r.fleetHolds.map((d) => ({ [d.value.includes('/') ? 'range' : 'ip']: d.value, origin: d.origin, scenario: d.scenario, expiresAt: toIso(d.until) }));
    if (flags.json) {
      writeJson({ ip: r.ip, unbans: [...unbans, ...r.refused], commands: r.commands, ...(fleet.length > 0 ? { fleet } : {}), ...(r.fleetNote ? { warnings: [r.fleetNote] } : {}) }, 2);
      return;
    }
    writeOut(r.refused.map(droppedLine).join(''));
    // A ban of another target that held this one (a block holding the address, a ban inside the block) is named.
    const exact = r.removed.filter((b) => b.ip === r.ip);
    const others = r.removed.filter((b) => b.ip !== r.ip);
    const lines = [
      ...(exact.length > 0 ? [`logban: unbanned ${r.ip} (jail ${exact.map((b) => b.jail).join(', ')})\n`] : []),
      ...others.map((b) => `logban: unbanned ${b.ip} (jail ${b.jail}), which held ${r.ip}\n`),
    ];
    writeOut(lines.length > 0 ? lines.join('') : `logban: ${r.ip} was not banned${flags.jail ? ` in jail ${flags.jail}` : ''}; its pending failures were cleared\n`);
    // The fleet's decisions are the fleet's: say which hold the address, and what lifts them.
    for (const d of r.fleetHolds) {
      const flag = d.value.includes('/') ? '--range' : '--ip';
      writeOut(`logban: ${r.ip} is still blocked by the fleet: ${d.value} (${d.origin} ${d.scenario}) until ${toIso(d.until)}; lift it at the engine (cscli decisions delete ${flag} ${d.value}), then the next scan lifts it here\n`);
    }
    if (r.fleetNote) writeOut(`warning: ${r.fleetNote}\n`);
  });
}

export function registerUnban(program: Command): void {
  withCommon(program.command('unban <ip>'))
    .description('lift a ban and forget the IP\'s pending failures (in one jail with --jail, else everywhere); an address lifts the block that holds it, a CIDR block the bans inside it')
    .option('--jail <name>', 'only this jail')
    .option('--json', 'print one JSON object')
    .action(unban);
}

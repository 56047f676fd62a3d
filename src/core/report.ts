import type { Argv } from './iptables-plan.js';
import type { Ban } from './state.js';
import { toIso } from './timestamp.js';

export type ReportInput = {
  readonly dryRun: boolean;
  readonly files: readonly { path: string; startOffset: number; endOffset: number; linesRead: number; rotated: readonly string[] }[];
  readonly newBans: readonly Ban[];
  readonly unbans: readonly { ip: string; jail: string; reason: string }[];
  readonly activeBans: number;
  readonly commands: readonly Argv[];
  readonly notes: readonly { level: 'warning' | 'info'; text: string }[];
};

// Log lines are attacker-written: control characters must not reach a terminal or a mail reader.
export function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Cron mails whatever a run prints, so a run prints only when there is news.
export function hasNews(r: ReportInput): boolean {
  return r.newBans.length > 0 || r.unbans.length > 0 || r.notes.some((n) => n.level === 'warning');
}

export function scanJson(r: ReportInput): object {
  return {
    dryRun: r.dryRun,
    files: r.files,
    newBans: r.newBans.map((b) => ({
      ip: b.ip, jail: b.jail, failures: b.failures, firstSeen: toIso(b.firstSeen), lastSeen: toIso(b.lastSeen),
      expiresAt: b.expiresAt === null ? null : toIso(b.expiresAt), evidence: b.evidence,
    })),
    unbans: r.unbans,
    activeBans: r.activeBans,
    commands: r.commands,
    notes: r.notes,
  };
}

export type Style = { readonly strong: (s: string) => string; readonly dim: (s: string) => string };
export const PLAIN: Style = { strong: (s) => s, dim: (s) => s };

// The text report: a first line that reads as a mail subject, then bans with evidence, unbans,
// warnings and the firewall commands.
export function renderScanText(r: ReportInput, style: Style = PLAIN, verbose = false): string {
  const out: string[] = [];
  const head = `logban: ${plural(r.newBans.length, 'IP')} banned, ${r.unbans.length} unbanned, ${r.activeBans} active`;
  out.push(style.strong(r.dryRun ? `${head} (dry run: nothing was changed)` : head));
  if (r.newBans.length > 0) out.push('', r.dryRun ? 'Would ban:' : 'Banned:');
  for (const b of r.newBans) {
    const until = b.expiresAt === null ? 'permanently' : `until ${toIso(b.expiresAt)}`;
    out.push(`  ${style.strong(b.ip)}  jail ${b.jail}  ${plural(b.failures, 'failure')}  ${toIso(b.firstSeen)} .. ${toIso(b.lastSeen)}  ${until}`);
    for (const line of b.evidence) out.push(style.dim(`      ${printable(line)}`));
  }
  if (r.unbans.length > 0) out.push('', r.dryRun ? 'Would unban:' : 'Unbanned:');
  for (const u of r.unbans) out.push(`  ${u.ip}  jail ${u.jail}  (${u.reason})`);
  const notes = r.notes.filter((n) => verbose || n.level === 'warning');
  if (notes.length > 0) out.push('', 'Notes:');
  for (const n of notes) out.push(`  ${n.level === 'warning' ? 'warning: ' : ''}${n.text}`);
  if (r.commands.length > 0) out.push('', r.dryRun ? 'Firewall commands (not run):' : 'Firewall commands:');
  for (const c of r.commands) out.push(`  ${c.join(' ')}`);
  if (verbose) {
    out.push('', 'Files:');
    for (const f of r.files) out.push(`  ${f.path}: ${plural(f.linesRead, 'line')}, bytes ${f.startOffset}..${f.endOffset}`);
  }
  return `${out.join('\n')}\n`;
}

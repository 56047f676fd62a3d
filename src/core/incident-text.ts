import type { Incident } from './incident.js';
import { printable } from './report.js';
import { escapeUnsafe } from './text-safety.js';
import { describeWhois } from './whois-parse.js';
import { formatZoned } from './zoned-time.js';

export type IncidentView = { readonly host: string; readonly timeZone: string };

function whoisLine(i: Incident): string {
  if (i.whoisSource === 'off') return 'not looked up';
  return describeWhois(i.whois);
}

// The incident report as text to paste into a mail to an abuse desk or a CERT: the facts first
// (address, network, service, times, attempts), then the ban history and the log lines as evidence.
export function renderIncidentText(i: Incident, view: IncidentView): string {
  const when = (t: number | null) => (t === null ? 'unknown' : formatZoned(t, view.timeZone));
  const host = escapeUnsafe(view.host);
  const services = i.jails.map((j) => `${j.rules.length > 0 ? j.rules.join(', ') : 'custom pattern'} (jail ${j.jail}${j.port.length > 0 ? `, port ${j.port.join(', ')}` : ''})`);
  const out = [
    `Incident report: ${i.ip}`,
    `Written by logban on ${host} at ${when(i.now)} (times in ${view.timeZone})`,
    '',
    `Source IP:      ${i.ip}`,
    `Network:        ${whoisLine(i)}`,
  ];
  if (i.whois?.abuse) out.push(`Abuse contact:  ${i.whois.abuse}`);
  out.push(
    `Target:         ${host}`,
    `Service:        ${services.length > 0 ? services.join('; ') : 'none (no failures from this address are known)'}`,
    `First seen:     ${when(i.firstSeen)}`,
    `Last seen:      ${when(i.lastSeen)}`,
    `Attempts:       ${i.attempts}${i.jails.length > 1 ? ` (${i.jails.map((j) => `${j.jail}: ${j.attempts}`).join(', ')})` : ''}`,
  );
  out.push('', 'Ban history:');
  if (i.bans.length === 0) out.push('  not banned');
  for (const b of i.bans) {
    const until = b.expiresAt === null ? 'permanently' : `until ${when(b.expiresAt)}`;
    const as = b.block ? ` as part of ${b.block}` : '';
    out.push(`  jail ${b.jail}: banned${as} ${when(b.bannedAt)} ${until} after ${b.failures} failures${b.block ? ' of the block' : ''} (${b.active ? 'in force' : 'expired'})`);
  }
  const pending = i.jails.filter((j) => j.pending > 0);
  for (const j of pending) out.push(`  jail ${j.jail}: ${j.pending} recent failures not (yet) enough for a ban`);
  out.push('', 'Log lines (as written by the services; evidence):');
  if (i.evidence.length === 0) out.push('  none found');
  let source = '';
  for (const e of i.evidence) {
    if (e.source !== source) {
      source = e.source;
      out.push(source === 'state' ? '  recorded by logban when counting:' : `  ${escapeUnsafe(source)}:`);
    }
    out.push(`    ${printable(e.line)}`);
  }
  const shown = i.evidence.filter((e) => e.source !== 'state').length;
  if (i.logs.mentions > shown) out.push(`  (the newest ${shown} of ${i.logs.mentions} lines that mention ${i.ip} in the current logs)`);
  return `${out.join('\n')}\n`;
}

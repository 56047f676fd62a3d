import type { Family } from './ip.js';
import { CHAIN_PREFIX } from './iptables-plan.js';

/** However quiet the runs, the firewall is read and diffed in full at least this often. */
export const FULL_CHECK_SECONDS = 3600;

// What logban's part of the firewall looked like right after the last run that read and rewrote
// it: a digest of cheap listings (no ban's entry in them for ipset and nftables), the families
// read, and when. A run that finds the same digest knows nothing was flushed or edited since.
export type FirewallStamp = {
  readonly backend: string;
  readonly print: string;
  readonly families: readonly Family[];
  readonly checkedAt: number;
};

// The lines of an `iptables -S` listing that are logban's: its chains, their rules, the jumps to them.
export function iptablesPart(listing: string): string {
  return listing.split('\n').filter((l) => l.includes(` ${CHAIN_PREFIX}`)).join('\n');
}

// The headers of logban's sets in an `ipset list -t` listing, with the kernel's count of entries
// (a flushed or edited set shows another count; "Size in memory" and "References" move by themselves).
export function ipsetPart(listing: string): string {
  const out: string[] = [];
  let ours = false;
  for (const line of listing.split('\n')) {
    if (line.startsWith('Name: ')) ours = line.slice(6).startsWith(CHAIN_PREFIX);
    if (ours && /^(Name|Type|Header|Number of entries): /.test(line)) out.push(line);
  }
  return out.join('\n');
}

// Whether the stamp can stand for a full read this run: the same backend, recent enough.
export function stampUsable(stamp: FirewallStamp | undefined, backend: string, now: number): stamp is FirewallStamp {
  return stamp !== undefined && stamp.backend === backend && now >= stamp.checkedAt && now - stamp.checkedAt < FULL_CHECK_SECONDS;
}

import type { ClassifyOptions } from './classify.js';
import { HIT, type HitBatch } from './hits.js';
import { ipFamily, canonicalIp } from './ip.js';

export type SubnetBits = 24 | 16;

// The `stats --json` shape (DESIGN.md): complete lists; ips and subnets by count, then address.
export type Stats = {
  readonly lines: number;
  readonly matched: number;
  readonly ips: readonly { ip: string; count: number }[];
  readonly subnets: readonly { subnet: string; count: number }[];
  readonly days: readonly { day: string; count: number }[];
};

const DAY_SECONDS = 86400;

// The network an address belongs to: IPv4 by /24 or /16, IPv6 always by /64.
export function subnetOf(ip: string, bits: SubnetBits): string {
  if (ipFamily(ip) === 4) {
    const p = ip.split('.');
    return bits === 24 ? `${p[0]}.${p[1]}.${p[2]}.0/24` : `${p[0]}.${p[1]}.0.0/16`;
  }
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${canonicalIp(`${groups.slice(0, 4).join(':')}::`)}/64`;
}

const byCount = <K extends string>(key: K) => (a: Record<K, string> & { count: number }, b: Record<K, string> & { count: number }) =>
  b.count - a.count || (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);

/** The counting half of `stats`: what classified lines (core/classify) add up to, in any order. */
export type StatsTally = {
  readonly consume: (batch: HitBatch) => void;
  readonly addLines: (n: number) => void;
  /** What another tally counted (a reading thread's part of a file), added in. */
  readonly merge: (part: StatsPart) => void;
  /** The counts so far, for another tally to merge. */
  readonly part: () => StatsPart;
  readonly result: (bits: SubnetBits) => Stats;
};

/** A tally's counts as plain data: matched lines, and count per address and per UTC day. */
export type StatsPart = { readonly matched: number; readonly ips: readonly (readonly [string, number])[]; readonly days: readonly (readonly [number, number])[] };

// Counts failure lines per IP and per UTC day. Lines, not attempts: a companion line ("Invalid
// user", PAM's line) is a failure line too.
export function createStatsTally(): StatsTally {
  const ips = new Map<string, number>();
  const days = new Map<number, number>();
  let lines = 0;
  let matched = 0;
  return {
    consume(b) {
      for (let i = 0; i < b.count; i++) {
        const kind = b.kind[i]!;
        if (kind !== HIT.match && kind !== HIT.companion) continue;
        matched++;
        const ip = b.ip[i]!;
        ips.set(ip, (ips.get(ip) ?? 0) + 1);
        if (b.template[i]! >= 0) {
          const day = Math.floor(b.time[i]! / DAY_SECONDS);
          days.set(day, (days.get(day) ?? 0) + 1);
        }
      }
    },
    addLines: (n) => { lines += n; },
    merge(p) {
      matched += p.matched;
      for (const [ip, n] of p.ips) ips.set(ip, (ips.get(ip) ?? 0) + n);
      for (const [day, n] of p.days) days.set(day, (days.get(day) ?? 0) + n);
    },
    part: () => ({ matched, ips: [...ips], days: [...days] }),
    result(bits) {
      const subnets = new Map<string, number>();
      for (const [ip, count] of ips) {
        const net = subnetOf(ip, bits);
        subnets.set(net, (subnets.get(net) ?? 0) + count);
      }
      return {
        lines,
        matched,
        ips: [...ips].map(([ip, count]) => ({ ip, count })).sort(byCount('ip')),
        subnets: [...subnets].map(([subnet, count]) => ({ subnet, count })).sort(byCount('subnet')),
        days: [...days].sort((a, b) => a[0] - b[0]).map(([d, count]) => ({ day: new Date(d * DAY_SECONDS * 1000).toISOString().slice(0, 10), count })),
      };
    },
  };
}

/** How `stats` classifies a file's lines: every line matters, no text is kept. */
export const statsClassify = (now: number): ClassifyOptions => ({ now, keepText: false, missSamples: 0, lineNumbers: false, attempts: false });

export type StatsView = { readonly top: number; readonly bits: SubnetBits; readonly byDay: boolean; readonly rule: string; readonly files: number };

function table(title: string, rows: readonly { key: string; count: number }[], top: number): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, top);
  const width = Math.max(5, String(shown[0]!.count).length);
  const more = rows.length > shown.length ? ` (${rows.length - shown.length} more not shown)` : '';
  return ['', `${title}${more}:`, ...shown.map((r) => `  ${String(r.count).padStart(width)}  ${r.key}`)];
}

// The text view of stats, like `sort | uniq -c | sort -rn | head`: totals, top IPs, top subnets, per day.
export function renderStatsText(s: Stats, view: StatsView): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const out = [`logban stats: ${plural(s.matched, 'matched line')} of ${s.lines} in ${plural(view.files, 'file')} (rule ${view.rule}), ${plural(s.ips.length, 'IP')}`];
  out.push(...table(`Top ${Math.min(view.top, s.ips.length)} IPs`, s.ips.map((r) => ({ key: r.ip, count: r.count })), view.top));
  out.push(...table(`Top ${Math.min(view.top, s.subnets.length)} subnets (IPv4 /${view.bits}, IPv6 /64)`, s.subnets.map((r) => ({ key: r.subnet, count: r.count })), view.top));
  if (view.byDay) out.push(...table('Per day (UTC)', s.days.map((r) => ({ key: r.day, count: r.count })), Number.MAX_SAFE_INTEGER));
  return `${out.join('\n')}\n`;
}

import { remainingSeconds } from './firewall-model.js';
import { IPSET_MAX_TIMEOUT } from './ipset-plan.js';
import { NFT_MAX_TIMEOUT, outermost } from './nft-plan.js';
import type { Ban } from './state.js';

/** `logban export --format`: the active bans for configuration management, in three spellings. */
export type ExportFormat = 'plain' | 'ipset' | 'nft';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['plain', 'ipset', 'nft'];

/** The names the ipset and nft spellings use: sets and a table of their own, never logban's. */
export const EXPORT_SET = (family: 4 | 6): string => `logban-export-v${family}`;
export const EXPORT_TABLE = 'logban_export';

// Each target once (of several bans of one target, the one that lasts longest), by family then spelling.
function targetsOf(bans: readonly Ban[], now: number): Map<4 | 6, Map<string, number | null>> {
  const out = new Map<4 | 6, Map<string, number | null>>([[4, new Map()], [6, new Map()]]);
  for (const b of bans) {
    if (b.expiresAt !== null && b.expiresAt <= now) continue;
    const m = out.get(b.ip.includes(':') ? 6 : 4)!;
    const had = m.get(b.ip);
    m.set(b.ip, had === undefined ? b.expiresAt : had === null || b.expiresAt === null ? null : Math.max(had, b.expiresAt));
  }
  for (const [f, m] of out) out.set(f, new Map([...m].sort(([a], [b]) => a.localeCompare(b))));
  return out;
}

// plain: one address or block a line. ipset: input for `ipset restore` (hash:net sets, kernel
// timeouts: what is left of each ban). nft: input for `nft -f` (a table of its own with interval
// sets; of nested blocks the widest).
export function renderExport(bans: readonly Ban[], now: number, format: ExportFormat): string {
  const targets = targetsOf(bans, now);
  const lines: string[] = [];
  if (format === 'plain') for (const m of targets.values()) lines.push(...m.keys());
  if (format === 'ipset') {
    for (const [family, m] of targets) {
      if (m.size === 0) continue;
      const set = EXPORT_SET(family);
      lines.push(`create ${set} hash:net family ${family === 4 ? 'inet' : 'inet6'} timeout 0 maxelem ${Math.max(65536, m.size)} -exist`);
      for (const [ip, end] of m) lines.push(`add ${set} ${ip} timeout ${remainingSeconds(end, now, IPSET_MAX_TIMEOUT)} -exist`);
    }
  }
  if (format === 'nft') {
    lines.push(`add table inet ${EXPORT_TABLE}`);
    for (const [family, m] of targets) {
      const set = `export${family}`;
      lines.push(`add set inet ${EXPORT_TABLE} ${set} { type ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}; flags interval, timeout; }`);
      const timeouts = outermost(new Map([...m].map(([ip, end]) => [ip, remainingSeconds(end, now, NFT_MAX_TIMEOUT)])));
      const elements = [...timeouts].map(([ip, t]) => (t > 0 ? `${ip} timeout ${t}s` : ip));
      for (let i = 0; i < elements.length; i += 1000) lines.push(`add element inet ${EXPORT_TABLE} ${set} { ${elements.slice(i, i + 1000).join(', ')} }`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

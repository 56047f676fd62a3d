import { cachedWhois, updateWhoisCache, type WhoisCache } from '../core/whois-cache.js';
import type { WhoisInfo } from '../core/whois-parse.js';
import type { WhoisLookup } from '../io/whois.js';

export type Enriched = {
  /** What is known per address; an address missing here is unknown. */
  readonly info: ReadonlyMap<string, WhoisInfo>;
  /** The cache to save (unchanged when nothing new was learnt). */
  readonly cache: WhoisCache | undefined;
};

// whois for a run's targets: the saved answers first, the whois command only for the rest. A
// block is asked about by its first address (every registry answers an address) and kept as the block.
export async function enrichWhois(ips: readonly string[], cache: WhoisCache | undefined, lookup: WhoisLookup, now: number): Promise<Enriched> {
  const info = new Map<string, WhoisInfo>();
  const ask = new Map<string, string>();
  for (const ip of ips) {
    const hit = cachedWhois(cache, ip, now);
    if (hit) info.set(ip, hit);
    else ask.set(ip.split('/')[0]!, ip);
  }
  const answers = ask.size > 0 ? await lookup.lookup([...ask.keys()]) : new Map<string, WhoisInfo>();
  const found = new Map([...answers].map(([addr, i]) => [ask.get(addr) ?? addr, i] as const));
  for (const [ip, i] of found) info.set(ip, i);
  return { info, cache: found.size > 0 ? updateWhoisCache(cache, found, now) : cache };
}

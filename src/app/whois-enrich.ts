import { cachedWhois, updateWhoisCache, type WhoisCache } from '../core/whois-cache.js';
import type { WhoisInfo } from '../core/whois-parse.js';
import type { WhoisLookup } from '../io/whois.js';

export type Enriched = {
  /** What is known per address; an address missing here is unknown. */
  readonly info: ReadonlyMap<string, WhoisInfo>;
  /** The cache to save (unchanged when nothing new was learnt). */
  readonly cache: WhoisCache | undefined;
};

// whois for a run's addresses: the saved answers first, the whois command only for the rest.
export async function enrichWhois(ips: readonly string[], cache: WhoisCache | undefined, lookup: WhoisLookup, now: number): Promise<Enriched> {
  const info = new Map<string, WhoisInfo>();
  const ask: string[] = [];
  for (const ip of ips) {
    const hit = cachedWhois(cache, ip, now);
    if (hit) info.set(ip, hit);
    else ask.push(ip);
  }
  const found = ask.length > 0 ? await lookup.lookup(ask) : new Map<string, WhoisInfo>();
  for (const [ip, i] of found) info.set(ip, i);
  return { info, cache: found.size > 0 ? updateWhoisCache(cache, found, now) : cache };
}

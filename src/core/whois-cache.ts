import { isCanonicalTarget } from './net.js';
import type { WhoisInfo } from './whois-parse.js';

// whois answers saved in the state so an address is asked about once, not on every report.
export type WhoisCacheEntry = WhoisInfo & { readonly at: number };
export type WhoisCache = Readonly<Record<string, WhoisCacheEntry>>;

// Networks change hands slowly; a month-old answer is still good, an older one is asked again.
export const WHOIS_CACHE_SECONDS = 30 * 86400;
export const WHOIS_CACHE_ENTRIES = 2000;

// The saved answer for `ip` when it is fresh enough.
export function cachedWhois(cache: WhoisCache | undefined, ip: string, now: number): WhoisInfo | undefined {
  const hit = cache?.[ip];
  if (!hit || hit.at <= now - WHOIS_CACHE_SECONDS) return undefined;
  const { at: _at, ...info } = hit;
  return info;
}

// Adds new answers, drops stale ones and keeps the newest entries when there are too many.
export function updateWhoisCache(cache: WhoisCache | undefined, found: ReadonlyMap<string, WhoisInfo>, now: number): WhoisCache {
  const entries = Object.entries(cache ?? {}).filter(([ip]) => !found.has(ip));
  for (const [ip, info] of found) entries.push([ip, { ...info, at: now }]);
  const kept = entries
    .filter(([, e]) => e.at > now - WHOIS_CACHE_SECONDS)
    .sort((a, b) => b[1].at - a[1].at || a[0].localeCompare(b[0]))
    .slice(0, WHOIS_CACHE_ENTRIES);
  return Object.fromEntries(kept);
}

const optionalText = (v: unknown) => v === null || (typeof v === 'string' && v.length <= 200);

// The state check for the cache: canonical IPs, short strings or null, a numeric time.
export function isWhoisCache(v: unknown): v is WhoisCache {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v as Record<string, unknown>).every(([ip, e]) => {
    if (!isCanonicalTarget(ip) || typeof e !== 'object' || e === null) return false;
    const r = e as Record<string, unknown>;
    return typeof r['at'] === 'number' && Number.isFinite(r['at'])
      && optionalText(r['country']) && optionalText(r['netname']) && optionalText(r['org']) && optionalText(r['abuse']);
  });
}

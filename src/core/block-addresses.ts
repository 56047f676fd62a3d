// The addresses a block's window and ban name (ipv6_prefix, ipv4_prefix, subnets): the newest
// few seen failing in it, enough to show who without a list that grows with an attack.

/** How many addresses a block keeps. */
export const ADDRESSES_KEPT = 8;

// Adds `ip` as the newest address of slot `s` (moved to the end when already there).
export function noteAddress(seen: Map<number, string[]>, s: number, ip: string): void {
  const list = seen.get(s);
  if (list === undefined) { seen.set(s, [ip]); return; }
  if (list[list.length - 1] === ip) return;
  const at = list.indexOf(ip);
  if (at >= 0) list.splice(at, 1);
  list.push(ip);
  if (list.length > ADDRESSES_KEPT) list.shift();
}

// A block's addresses: the saved ones, then this run's (newest last, each once, at most ADDRESSES_KEPT).
export function mergeAddresses(old: readonly string[] | undefined, fresh: readonly string[] | undefined): { addresses?: readonly string[] } {
  if (!old && !fresh) return {};
  if (!old || !fresh) return { addresses: old ?? fresh! };
  const recent = new Set(fresh);
  return { addresses: [...old.filter((a) => !recent.has(a)), ...fresh].slice(-ADDRESSES_KEPT) };
}

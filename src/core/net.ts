import { canonicalIp, ipFamily, ipv4Value, ipv6Groups, type Family } from './ip.js';

// Networks as logban names them: a ban, a window and a firewall entry are keyed by a *target*,
// either one address in its canonical spelling ("203.0.113.9", "2001:db8::1") or a block of
// them ("203.0.113.0/24", "2001:db8:1:2::/64": the base with its host bits zero, then the length).
// A block as long as its family's address is written as the address alone.

/** A block of addresses: its family, its base as a number (host bits zero) and its prefix length. */
export type Block = { readonly family: Family; readonly base: bigint; readonly len: number };

export const fullLength = (family: Family): number => (family === 4 ? 32 : 128);

function valueOf(ip: string): bigint {
  const v4 = ipv4Value(ip);
  if (v4 !== null) return BigInt(v4);
  let out = 0n;
  for (const g of ipv6Groups(ip)!) out = (out << 16n) | BigInt(g);
  return out;
}

// The network mask of each length, made once (index: family 4 at 0-32, family 6 at 33-161).
const MASKS: bigint[] = [];
const maskOf = (family: Family, len: number): bigint => {
  const at = family === 4 ? len : 33 + len;
  let mask = MASKS[at];
  if (mask === undefined) {
    const bits = BigInt(fullLength(family));
    mask = ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(len))) - 1n);
    MASKS[at] = mask;
  }
  return mask;
};

function spellValue(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  // canonicalIp compresses the zero run as RFC 5952 says; an IPv4-mapped base would come back as IPv4.
  const text = canonicalIp(groups.join(':'))!;
  return text.includes(':') ? text : `::ffff:${groups.slice(6).join(':')}`;
}

/** The block of one address (any spelling), or null when the text is no address. */
export function blockOfAddress(text: string): Block | null {
  const ip = canonicalIp(text);
  if (ip === null) return null;
  const family = ipFamily(ip);
  return { family, base: valueOf(ip), len: fullLength(family) };
}

/** "addr" or "addr/len" (host bits may be set: they are cleared), or null. */
export function parseBlock(text: string): Block | null {
  const slash = text.indexOf('/');
  if (slash < 0) return blockOfAddress(text);
  const addr = blockOfAddress(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (addr === null || !/^\d{1,3}$/.test(bits)) return null;
  const len = Number(bits);
  if (len > fullLength(addr.family)) return null;
  return narrowTo(addr, len);
}

/** The block of length `len` that holds `b` (len at most b's own). */
export function narrowTo(b: Block, len: number): Block {
  return { family: b.family, base: b.base & maskOf(b.family, len), len };
}

export function blockText(b: Block): string {
  const addr = spellValue(b.family, b.base);
  return b.len === fullLength(b.family) ? addr : `${addr}/${b.len}`;
}

/** Whether `outer` holds every address of `inner`. */
export function containsBlock(outer: Block, inner: Block): boolean {
  return outer.family === inner.family && outer.len <= inner.len && (inner.base & maskOf(outer.family, outer.len)) === outer.base;
}

/** Whether two blocks share an address (of two CIDR blocks, one then holds the other). */
export function overlaps(a: Block, b: Block): boolean {
  return containsBlock(a, b) || containsBlock(b, a);
}

/** The number of leading bits two blocks' bases share, at most the shorter length. */
export function sharedBits(a: Block, b: Block): number {
  const limit = Math.min(a.len, b.len);
  const width = fullLength(a.family);
  let diff = a.base ^ b.base;
  let top = 0;
  while (diff > 0n) { diff >>= 1n; top++; }
  return Math.min(limit, width - top);
}

/** Whether a target names a block of several addresses rather than one. */
export const isNetwork = (target: string): boolean => target.includes('/');

/** A target's canonical text, or null: "2001:DB8:1:2:0::/64" → "2001:db8:1:2::/64", "203.0.113.7/32" → "203.0.113.7". */
export function canonicalTarget(text: string): string | null {
  const b = parseBlock(text.trim());
  return b === null ? null : blockText(b);
}

/** Whether `text` is a target in its canonical spelling (what the state holds). */
export function isCanonicalTarget(text: string): boolean {
  return isNetwork(text) ? canonicalTarget(text) === text : canonicalIp(text) === text;
}

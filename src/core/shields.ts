import { describeSpecial, type SpecialKind } from './address-class.js';
import { blocksEveryPort } from './every-port.js';
import { blockOfAddress, blockText, containsBlock, fullLength, narrowTo, overlaps, parseBlock, sharedBits, type Block } from './net.js';

/** A block no ban may cover, and why: "192.0.2.1 is an address of this host". */
export type Shield = { readonly block: Block; readonly text: string; readonly why: string };

// The ranges that are never a client (address-class), as blocks a network ban must stay out of.
const SPECIAL: readonly [string, SpecialKind][] = [
  ['0.0.0.0/8', 'unspecified'], ['127.0.0.0/8', 'loopback'], ['169.254.0.0/16', 'link-local'], ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255', 'broadcast'], ['::', 'unspecified'], ['::1', 'loopback'], ['ff00::/8', 'multicast'], ['fe80::/10', 'link-local'],
];
const SPECIAL_SHIELDS: readonly Shield[] = SPECIAL.map(([text, kind]) => ({ block: parseBlock(text)!, text, why: describeSpecial(text, kind) }));

/** What a jail's bans must never cover: the never-a-client ranges, the host's own addresses and gateways, its ignoreip. */
export type ShieldSet = (jail: string) => readonly Shield[];

const addressShield = (ip: string, why: string): Shield | null => {
  const block = blockOfAddress(ip);
  return block ? { block, text: blockText(block), why: `${blockText(block)} ${why}` } : null;
};

// The shields of every jail (and of the jails that block every port: every jail's ignoreip).
export function createShields(
  jails: readonly { readonly name: string; readonly ignoreip: readonly string[] }[],
  host: readonly string[],
  gateways: readonly string[] = [],
): ShieldSet {
  const common = [
    ...SPECIAL_SHIELDS,
    ...host.map((ip) => addressShield(ip, 'is an address of this host')),
    ...gateways.map((ip) => addressShield(ip, 'is the default gateway of this host')),
  ].filter((s): s is Shield => s !== null);
  const ignored = (j: { name: string; ignoreip: readonly string[] }) => j.ignoreip.flatMap((entry) => {
    const block = parseBlock(entry.trim());
    return block ? [{ block, text: blockText(block), why: `${blockText(block)} is in ignoreip of jail ${j.name}` }] : [];
  });
  const byJail = new Map(jails.map((j) => [j.name, [...common, ...ignored(j)]]));
  const all = [...common, ...jails.flatMap(ignored)];
  return (jail) => (blocksEveryPort(jail) ? all : byJail.get(jail) ?? common);
}

// The reason a network ban may not stand ("2001:db8::/32 contains 2001:db8::1, an address of this host"), or null.
export function networkRefusal(block: Block, shields: readonly Shield[]): string | null {
  const text = blockText(block);
  for (const s of shields) {
    if (s.block.family !== block.family || !overlaps(block, s.block)) continue;
    if (containsBlock(s.block, block)) return `${text} lies inside ${s.text}: ${s.why}`;
    return `${text} contains ${s.text}: ${s.why}`;
  }
  return null;
}

/** A window's key for one address: the block of the jail's prefix, cut down when a shield lies inside it. */
export type Cut = { readonly block: Block; readonly by: Shield | null };

// The widest block of at most `len` bits that holds `addr` and overlaps no shield; `by` names the
// shield that made it narrower than `len` (the address itself, when a shield holds it: the guard
// refuses that one). Two addresses get the same block or two that do not overlap.
export function cutBlock(addr: Block, len: number, shields: readonly Shield[]): Cut {
  let want = Math.min(len, fullLength(addr.family));
  let by: Shield | null = null;
  for (const s of shields) {
    if (s.block.family !== addr.family || !overlaps(narrowTo(addr, want), s.block)) continue;
    if (containsBlock(s.block, addr)) return { block: addr, by: s };
    want = sharedBits(addr, s.block) + 1;
    by = s;
  }
  return { block: narrowTo(addr, want), by };
}

/** The prefix lengths a jail counts and bans by (ipv4_prefix, ipv6_prefix). */
export type Prefixes = { readonly ipv4Prefix: number; readonly ipv6Prefix: number };

/** An address's key in a jail's window: the address itself, or the block it is counted in. */
export type Keyer = (ip: string) => string;

const KEY_MEMO = 1 << 16;

// The key of each canonical address for one jail: with full-length prefixes (IPv4 /32, IPv6 /128)
// the address itself at no cost; otherwise its block (cut down around shields), remembered.
export function createKeyer(prefixes: Prefixes, shields: readonly Shield[]): Keyer {
  const memo = new Map<string, string>();
  return (ip) => {
    const v6 = ip.includes(':');
    const len = v6 ? prefixes.ipv6Prefix : prefixes.ipv4Prefix;
    if (len >= (v6 ? 128 : 32)) return ip;
    let key = memo.get(ip);
    if (key !== undefined) return key;
    const addr = blockOfAddress(ip);
    key = addr === null ? ip : blockText(cutBlock(addr, len, shields).block);
    if (memo.size >= KEY_MEMO) memo.clear();
    memo.set(ip, key);
    return key;
  };
}

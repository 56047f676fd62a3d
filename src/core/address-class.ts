import { canonicalIp, ipv4Value, ipv6Groups } from './ip.js';

/** Addresses no ban may ever name, whatever the logs, the state or a person says. */
export type SpecialKind = 'unspecified' | 'broadcast' | 'multicast' | 'loopback' | 'link-local';

type Range4 = readonly [kind: SpecialKind, base: number, bits: number];

// Checked in order: 255.255.255.255 lies inside no other range listed here.
const V4: readonly Range4[] = [
  ['unspecified', 0x00000000, 8], // 0.0.0.0/8, "this network": never a real source
  ['loopback', 0x7f000000, 8], // 127.0.0.0/8
  ['link-local', 0xa9fe0000, 16], // 169.254.0.0/16 (also the cloud metadata service 169.254.169.254)
  ['multicast', 0xe0000000, 4], // 224.0.0.0/4
  ['broadcast', 0xffffffff, 32], // 255.255.255.255
];

function kind4(value: number): SpecialKind | null {
  for (const [kind, base, bits] of V4) {
    const size = 2 ** (32 - bits);
    if (Math.floor(value / size) === Math.floor(base / size)) return kind;
  }
  return null;
}

function kind6(groups: readonly number[]): SpecialKind | null {
  const first = groups[0]!;
  if (groups.every((g) => g === 0)) return 'unspecified';
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return 'loopback';
  if (first >> 8 === 0xff) return 'multicast'; // ff00::/8
  if (first >> 6 === 0xfe80 >> 6) return 'link-local'; // fe80::/10
  return null;
}

// Which of the never-banned kinds an address (any spelling, ::ffff:a.b.c.d read as IPv4) is; null
// for an ordinary address or a text that is no address.
export function specialKind(text: string): SpecialKind | null {
  const ip = canonicalIp(text);
  if (ip === null) return null;
  const v4 = ipv4Value(ip);
  if (v4 !== null) return kind4(v4);
  const groups = ipv6Groups(ip);
  return groups ? kind6(groups) : null;
}

const WHY: Readonly<Record<SpecialKind, string>> = {
  unspecified: 'an unspecified address (0.0.0.0/8, ::), never a real client',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address (224.0.0.0/4, ff00::/8), never a real client',
  loopback: 'a loopback address (127.0.0.0/8, ::1): this host itself',
  'link-local': 'a link-local address (169.254.0.0/16, fe80::/10): a ban can cut this host off its router, neighbours or metadata service',
};

// "<ip> is a loopback address (...)": the reason a report or an error gives.
export function describeSpecial(ip: string, kind: SpecialKind): string {
  return `${ip} is ${WHY[kind]}`;
}

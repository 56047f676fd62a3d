import { BlockList, isIP } from 'node:net';
import { ownString } from './own-string.js';
import { err, ok, type Result } from './result.js';

export type Family = 4 | 6;

function expandIpv6(text: string): number[] | null {
  let head = text;
  let v4Tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    v4Tail = [((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0)];
    head = text.slice(0, lastColon + 1) + '0';
  }
  const halves = head.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(halves[0] ?? '');
  const right = halves.length > 1 ? parse(halves[1] ?? '') : [];
  if (v4Tail.length) (right.length ? right : left).pop();
  const groups = [...left, ...new Array(8 - left.length - right.length - v4Tail.length).fill(0), ...right, ...v4Tail];
  return groups.length === 8 ? groups : null;
}

function compressIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

// Attack logs repeat the same few addresses many times; remembering their spelling saves most of the work.
const MEMO_LIMIT = 1 << 16;
const memo = new Map<string, string | null>();

// The one spelling of an address used in state, reports and firewall rules (RFC 5952; mapped IPv4 as IPv4).
// The result owns its characters, so holding it never holds the log chunk it was read from.
export function canonicalIp(text: string): string | null {
  const known = memo.get(text);
  if (known !== undefined) return known;
  const own = ownString(text);
  const ip = isPlainIpv4(own) ? own : spell(own);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(own, ip);
  return ip;
}

// Dotted quad without leading zeros, each part at most 255: already canonical.
function isPlainIpv4(text: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || (digits > 1 && text.charCodeAt(i - digits) === 48)) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + c - 48;
      digits++;
    } else {
      return false;
    }
  }
  return parts === 4;
}

function spell(text: string): string | null {
  const family = isIP(text);
  if (family === 4) return text.split('.').map(Number).join('.');
  if (family !== 6 || text.includes('%')) return null;
  const groups = expandIpv6(text.toLowerCase());
  if (!groups) return null;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return compressIpv6(groups);
}

export function ipFamily(canonical: string): Family {
  return canonical.includes(':') ? 6 : 4;
}

export type IpMatcher = (canonical: string) => boolean;

// ignoreip entries: single addresses or CIDR blocks, IPv4 or IPv6.
export function compileIpMatcher(entries: readonly string[]): Result<IpMatcher> {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', bits, extra] = entry.trim().split('/');
    const ip = canonicalIp(addr);
    if (!ip || extra !== undefined) return err(`"${entry}" is not an IP address or CIDR block`);
    const family = ipFamily(ip);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) { list.addAddress(ip, type); continue; }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return err(`"${entry}" has a bad prefix length`);
    list.addSubnet(ip, prefix, type);
  }
  return ok((ip: string) => list.check(ip, ipFamily(ip) === 4 ? 'ipv4' : 'ipv6'));
}

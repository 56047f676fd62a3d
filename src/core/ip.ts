import { createRequire } from 'node:module';
import { ownString } from './own-string.js';
import { err, ok, type Result } from './result.js';

export type Family = 4 | 6;

// The eight groups of an IPv6 address, or null: hex groups of 1-4 digits, at most one "::",
// an optional dotted quad at the end, no zone. Written out (rather than node:net's isIP) so a
// cron run that only reads its state never loads the network stack or compiles its big regex.
function parseIpv6(text: string): number[] | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const left = parseGroups(halves[0]!, halves.length === 1);
  const right = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...left, ...new Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...right];
}

// "a:b:c" (an empty text is no groups); a dotted quad may end the last side only.
function parseGroups(part: string, last: boolean): number[] | null {
  if (part === '') return [];
  const fields = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (last && i === fields.length - 1 && f.includes('.')) {
      const v4 = plainIpv4Value(f);
      if (v4 < 0) return null;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(f)) {
      out.push(parseInt(f, 16));
    } else {
      return null;
    }
  }
  return out;
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

// Attack logs repeat the same few addresses many times; remembering their spelling saves most of
// the work. A plain IPv4 address is looked up by its 32-bit value, read straight from the text, so a
// repeat costs one digit loop and no string hashing or copying; other spellings by their text.
const MEMO_LIMIT = 1 << 17;
const v4memo = new Map<number, string>();
const memo = new Map<string, string | null>();

// Empties the memo of spellings: a run calls it once its logs are read, so the 2 × MEMO_LIMIT entries
// a first scan of a big log fills are not held while it decides, writes and reports.
export function forgetSpellings(): void {
  v4memo.clear();
  memo.clear();
}

// The one spelling of an address used in state, reports and firewall rules (RFC 5952; mapped IPv4 as IPv4).
// The result owns its characters, so holding it never holds the log chunk it was read from.
export function canonicalIp(text: string): string | null {
  const v4 = plainIpv4Value(text);
  if (v4 >= 0) {
    const seen = v4memo.get(v4);
    if (seen !== undefined) return seen;
    if (v4memo.size >= MEMO_LIMIT) v4memo.clear();
    const own = ownString(text);
    v4memo.set(v4, own);
    return own;
  }
  const known = memo.get(text);
  if (known !== undefined) return known;
  const own = ownString(text);
  const ip = spell(own);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(own, ip);
  return ip;
}

// The value of a dotted quad without leading zeros, each part at most 255 (already canonical), or -1.
function plainIpv4Value(text: string): number {
  let parts = 0;
  let value = 0;
  let digits = 0;
  let total = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255 || (digits > 1 && text.charCodeAt(i - digits) === 48)) return -1;
      parts++;
      total = total * 256 + value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + c - 48;
      digits++;
    } else {
      return -1;
    }
  }
  return parts === 4 ? total : -1;
}

function spell(text: string): string | null {
  const groups = parseIpv6(text);
  if (!groups) return null;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  return compressIpv6(groups);
}

// The eight 16-bit groups of an IPv6 address (any spelling), or null: for classifying ranges.
export function ipv6Groups(text: string): number[] | null {
  return parseIpv6(text);
}

// The 32-bit value of a canonical dotted quad, or null.
export function ipv4Value(canonical: string): number | null {
  const v = plainIpv4Value(canonical);
  return v < 0 ? null : v;
}

export function ipFamily(canonical: string): Family {
  return canonical.includes(':') ? 6 : 4;
}

export type IpMatcher = (canonical: string) => boolean;

// ignoreip entries: single addresses or CIDR blocks, IPv4 or IPv6. The entries are checked at
// once; node:net's BlockList is built on the first address asked about (a run with nothing new
// asks about none).
export function compileIpMatcher(entries: readonly string[]): Result<IpMatcher> {
  const rules: { ip: string; type: 'ipv4' | 'ipv6'; prefix: number | undefined }[] = [];
  for (const entry of entries) {
    const [addr = '', bits, extra] = entry.trim().split('/');
    const ip = canonicalIp(addr);
    if (!ip || extra !== undefined) return err(`"${entry}" is not an IP address or CIDR block`);
    const family = ipFamily(ip);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) { rules.push({ ip, type, prefix: undefined }); continue; }
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return err(`"${entry}" has a bad prefix length`);
    rules.push({ ip, type, prefix });
  }
  let list: import('node:net').BlockList | undefined;
  const build = () => {
    const { BlockList } = createRequire(import.meta.url)('node:net') as typeof import('node:net');
    const built = new BlockList();
    for (const r of rules) {
      if (r.prefix === undefined) built.addAddress(r.ip, r.type);
      else built.addSubnet(r.ip, r.prefix, r.type);
    }
    return built;
  };
  return ok((ip: string) => {
    if (rules.length === 0) return false;
    list ??= build();
    return list.check(ip, ipFamily(ip) === 4 ? 'ipv4' : 'ipv6');
  });
}

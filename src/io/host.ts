import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { canonicalIp } from '../core/ip.js';

// The host's own addresses are never banned, whatever the logs say.
export function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const ip = canonicalIp(a.address);
      if (ip) out.push(ip);
    }
  }
  return out;
}

// Linux gives every boot a random id; null where there is none (the firewall is then never assumed empty).
export function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

// The kernel's default routes' gateways (IPv4 from /proc/net/route, IPv6 from /proc/net/ipv6_route):
// a network ban that held one would cut this host off its router.
export function defaultGateways(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): string[] {
  const out = new Set<string>();
  try {
    for (const line of read('/proc/net/route').split('\n').slice(1)) {
      const [, dest, gw, , , , , mask] = line.trim().split(/\s+/);
      if (dest !== '00000000' || mask !== '00000000' || !gw || gw === '00000000') continue;
      // Little-endian hex: "0102A8C0" is 192.168.2.1.
      const bytes = gw.match(/../g)!.map((h) => parseInt(h, 16)).reverse();
      out.add(bytes.join('.'));
    }
  } catch {
    // no IPv4 routing table here
  }
  try {
    for (const line of read('/proc/net/ipv6_route').split('\n')) {
      const [dest, destLen, , , gw] = line.trim().split(/\s+/);
      if (dest !== '0'.repeat(32) || destLen !== '00' || !gw || /^0+$/.test(gw)) continue;
      const ip = canonicalIp(gw.match(/.{4}/g)!.join(':'));
      if (ip) out.add(ip);
    }
  } catch {
    // no IPv6 here
  }
  return [...out];
}

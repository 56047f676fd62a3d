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

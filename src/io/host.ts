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

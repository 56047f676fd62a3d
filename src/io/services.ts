import { readFileSync } from 'node:fs';
import { parseServices } from '../core/ports.js';

let table: Map<string, number> | null = null;

// A port name from /etc/services (read once, only when a jail names a port logban does not know).
export function lookupService(name: string): number | null {
  if (table === null) {
    try {
      table = parseServices(readFileSync('/etc/services', 'utf8'));
    } catch {
      table = new Map();
    }
  }
  return table.get(name) ?? null;
}

import type { JailPolicy } from './decide.js';
import type { State } from './state.js';

/** `addresses`: a block's newest addresses seen failing. */
export type PendingCount = { readonly jail: string; readonly ip: string; readonly count: number; readonly addresses?: readonly string[] };

// Failures per jail and IP still inside the jail's window at `now` (not yet a ban).
export function pendingCounts(state: State, jails: readonly JailPolicy[], now: number): PendingCount[] {
  const out: PendingCount[] = [];
  for (const jail of jails) {
    for (const [ip, pending] of Object.entries(state.windows[jail.name] ?? {})) {
      const count = pending.times.filter((t) => t > now - jail.findtime).length;
      if (count > 0) out.push({ jail: jail.name, ip, count, ...(pending.addresses ? { addresses: pending.addresses } : {}) });
    }
  }
  return out.sort((a, b) => a.jail.localeCompare(b.jail) || b.count - a.count || a.ip.localeCompare(b.ip));
}

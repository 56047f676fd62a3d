import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalIp } from '../../src/core/ip.js';

// The i-th of many distinct IPv6 addresses inside 2001:db8:1000::/36, in canonical form (the
// namespace pair's own addresses are in 2001:db8::/64, outside it).
export function manyIpv6(i: number): string {
  return canonicalIp(`2001:db8:1${(i >> 16).toString(16).padStart(3, '0')}::${(i & 0xffff).toString(16)}`)!;
}

/** What one ban of a big state is: its jail, and when it ends (null = permanent, epoch seconds otherwise). */
export type BigBans = { readonly jail: string; readonly count: number; readonly expiresAt?: number | null; readonly bannedAt?: number };

// Writes a version-1 state.json with `count` bans per entry straight into `stateDir` (later state
// formats read version 1 through a migration), so a test starts from a jail of any size in a moment.
export function writeBigState(stateDir: string, jails: readonly BigBans[]): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const bans: string[] = [];
  let n = 0;
  for (const j of jails) {
    const bannedAt = j.bannedAt ?? Date.parse('2026-11-21T09:00:00Z') / 1000;
    const expiresAt = j.expiresAt === undefined ? null : j.expiresAt;
    for (let k = 0; k < j.count; k++) {
      bans.push(JSON.stringify({ ip: manyIpv6(n++), jail: j.jail, bannedAt, expiresAt, failures: 3, firstSeen: bannedAt, lastSeen: bannedAt, evidence: [] }));
    }
  }
  writeFileSync(join(stateDir, 'state.json'), `{"version":1,"files":{},"windows":{},"bans":[\n${bans.join(',\n')}\n]}\n`, { mode: 0o600 });
}

// A run over a quarter million bans takes seconds: between runs a test lets vitest's worker answer
// its runner, which gives up on a worker that is silent for a minute.
export const yieldToVitest = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

import { createBanGuard, type BanGuard } from '../core/ban-guard.js';
import { createKeyer, createShields, cutBlock, type Keyer } from '../core/shields.js';
import { blockText, fullLength, narrowTo, parseBlock } from '../core/net.js';
import type { Config } from '../config/types.js';

// The checks of every ban for this config and host (the config was validated: a bad ignoreip here is a bug).
export function banGuardOf(config: Config, host: readonly string[], gateways: readonly string[] = []): BanGuard {
  const g = createBanGuard(config.jails, host, gateways);
  if (!g.ok) throw new Error(g.error);
  return g.value;
}

// Each jail's window key for an address (its ipv4_prefix/ipv6_prefix block, kept clear of the
// host, its gateways and the jail's ignoreip); jails that count per address get none.
export function keyersOf(config: Config, host: readonly string[], gateways: readonly string[] = []): ReadonlyMap<string, Keyer> {
  const shields = createShields(config.jails, host, gateways);
  const out = new Map<string, Keyer>();
  for (const j of config.jails) if (j.ipv4Prefix < 32 || j.ipv6Prefix < 128) out.set(j.name, createKeyer(j, shields(j.name)));
  return out;
}

// What the checks of every ban depend on, as text: a saved state whose bans passed checks of
// another text has every ban checked again (ignoreip edited, a jail removed, the host renumbered,
// a prefix length changed).
export function guardTextOf(config: Config, host: readonly string[], gateways: readonly string[] = []): string {
  const jails = config.jails.map((j) => (j.ipv4Prefix === 32 && j.ipv6Prefix === 128 ? [j.name, j.ignoreip] : [j.name, j.ignoreip, j.ipv4Prefix, j.ipv6Prefix]));
  return JSON.stringify({ jails, host: [...host].sort(), ...(gateways.length > 0 ? { gateways: [...gateways].sort() } : {}) });
}

// Why each new ban's block is narrower than its jail counts by ("cut from 2001:db8:1:2::/64:
// 2001:db8:1:2::1 is an address of this host"), for the report; bans of full width are not named.
export function narrowingsOf(config: Config, bans: readonly { ip: string; jail: string }[], host: readonly string[], gateways: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const jails = new Map(config.jails.map((j) => [j.name, j]));
  let shields: ReturnType<typeof createShields> | undefined;
  for (const b of bans) {
    const jail = jails.get(b.jail);
    if (!jail) continue;
    // Only a target narrower than its jail's prefix can have been cut (most are exactly as wide).
    const v6 = b.ip.includes(':');
    const len = v6 ? jail.ipv6Prefix : jail.ipv4Prefix;
    if (len >= (v6 ? 128 : 32) || (b.ip.includes('/') && Number(b.ip.slice(b.ip.indexOf('/') + 1)) <= len)) continue;
    const block = parseBlock(b.ip);
    if (block === null || block.len <= len || len >= fullLength(block.family)) continue;
    shields ??= createShields(config.jails, host, gateways);
    const cut = cutBlock(block, len, shields(jail.name));
    if (cut.by !== null) out[b.ip] = `cut from ${blockText(narrowTo(block, len))}: ${cut.by.why}`;
  }
  return out;
}

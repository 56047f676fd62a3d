import { familiesOf } from '../core/firewall-model.js';
import { stampUsable, type FirewallStamp } from '../core/firewall-print.js';
import type { Ban } from '../core/state.js';
import type { Config } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';
import { setupOf } from '../io/firewall/select.js';

// Whether a quiet run may trust the firewall without reading it in full: the cheap listings look
// as they did after the last full read, and that read is recent. Nothing of logban's to look at
// (no ban, no connection limit) is intact; a backend that reads the firewall but has no cheap
// check is never trusted (it reads it every run, as before).
export async function firewallIntact(firewall: Firewall, config: Config, stamp: FirewallStamp | undefined, live: number, now: number): Promise<boolean> {
  const limits = config.jails.some((j) => j.connlimit !== null);
  if (live === 0 && !limits && (stamp === undefined || stamp.families.length === 0)) return true;
  if (!firewall.fingerprint) return !firewall.reconciles;
  if (!stampUsable(stamp, config.backend, now)) return false;
  return (await firewall.fingerprint(stamp.families)) === stamp.print;
}

// The stamp to keep after a full read and rewrite of the firewall (null: this backend has none).
export async function stampAfter(firewall: Firewall, config: Config, bans: readonly Ban[], now: number): Promise<FirewallStamp | null> {
  if (!firewall.fingerprint) return null;
  const families = familiesOf(setupOf(config, now), bans);
  return { backend: config.backend, print: await firewall.fingerprint(families), families, checkedAt: now };
}

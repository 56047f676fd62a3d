import { FLEET_JAIL, MANUAL_JAIL } from './firewall-model.js';
import { isListJail } from './blocklist.js';
import { RECIDIVE_JAIL } from './recidive.js';

// The jails that are no jail of the config and block every port (by hand, recidive, the fleet's,
// the blocklists'): every jail's ignoreip counts there.
export function blocksEveryPort(jail: string): boolean {
  return jail === MANUAL_JAIL || jail === RECIDIVE_JAIL || jail === FLEET_JAIL || isListJail(jail);
}

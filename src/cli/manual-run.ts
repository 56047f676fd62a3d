import { hostname } from 'node:os';
import { createCrowdsecEngine } from '../io/fleet/crowdsec.js';
import { loadConfig } from '../app/load-config.js';
import type { ManualDeps } from '../app/manual.js';
import { createFirewall } from '../io/firewall/select.js';
import { defaultGateways, hostAddresses } from '../io/host.js';
import { acquireLock } from '../io/lock.js';
import { createStateStore } from '../io/state-store.js';
import { clockOf, stateDirOf, type CommonOptions } from './common.js';

// ban and unban change the state like a scan does: under the lock, with the configured firewall.
export async function withManualDeps(flags: CommonOptions, body: (deps: ManualDeps, now: number) => Promise<void>): Promise<void> {
  const config = loadConfig(flags.config);
  const now = clockOf(flags).now();
  const dir = stateDirOf(flags);
  const release = acquireLock(dir);
  try {
    await body({
      config, store: createStateStore(dir), firewall: createFirewall(config, { dryRun: false, now }), hostAddresses: hostAddresses(), gateways: defaultGateways(),
      ...(config.fleet ? { fleet: createCrowdsecEngine(config.fleet, { host: hostname() }) } : {}),
    }, now);
  } finally {
    release();
  }
}

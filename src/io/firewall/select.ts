import type { FirewallSetup } from '../../core/firewall-model.js';
import type { Config } from '../../config/types.js';
import { execaRunner, type Runner } from '../exec.js';
import { createIpsetFirewall } from './ipset.js';
import { createIptablesFirewall } from './iptables.js';
import { createNftablesFirewall } from './nftables.js';
import { createNoneFirewall } from './none.js';
import type { Firewall } from './types.js';

// The jails' protocols, ports and connection limits, the hook chains, and the time of this run.
export function setupOf(config: Config, now: number): FirewallSetup {
  return {
    jails: config.jails.map((j) => ({ name: j.name, protocol: j.protocol, ports: j.ports, connlimit: j.connlimit })),
    hooks: config.chains,
    now,
  };
}

// The configured backend, or its do-nothing twin for --dry-run (which still shows that backend's commands).
// `shown: false`: nobody reads the commands (a quiet scan with backend = "none"), so the twin plans none;
// with 100k+ bans that plan was the biggest thing a first scan held.
export function createFirewall(config: Config, opts: { readonly dryRun: boolean; readonly now: number; readonly runner?: Runner; readonly shown?: boolean }): Firewall {
  const setup = setupOf(config, opts.now);
  const runner = opts.runner ?? execaRunner;
  if (opts.dryRun || config.backend === 'none') return createNoneFirewall(config.backend === 'none' ? 'iptables' : config.backend, setup, opts.shown ?? true);
  if (config.backend === 'ipset') return createIpsetFirewall(runner, setup);
  if (config.backend === 'nftables') return createNftablesFirewall(runner, setup);
  return createIptablesFirewall(runner, setup);
}

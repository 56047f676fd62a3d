import type { Family } from './ip.js';

export type Argv = readonly string[];

/** What `iptables -S` shows of logban's own chains: chain → banned IPs, and hook chain → jumps. */
export type ChainView = {
  readonly chains: ReadonlyMap<string, ReadonlySet<string>>;
  readonly hooks: ReadonlySet<string>;
};

export const CHAIN_PREFIX = 'logban-';

export function chainFor(jail: string): string {
  return `${CHAIN_PREFIX}${jail}`;
}

export function binaryFor(family: Family): 'iptables' | 'ip6tables' {
  return family === 4 ? 'iptables' : 'ip6tables';
}

const hookKey = (hook: string, chain: string) => `${hook} ${chain}`;

// Reads `iptables -S` output; only logban's chains and the jumps into them matter.
export function parseRuleListing(text: string): ChainView {
  const chains = new Map<string, Set<string>>();
  const hooks = new Set<string>();
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === '-N' && words[1]?.startsWith(CHAIN_PREFIX)) {
      if (!chains.has(words[1])) chains.set(words[1], new Set());
    } else if (words[0] === '-A' && words.length === 4 && words[2] === '-j' && words[3]!.startsWith(CHAIN_PREFIX)) {
      hooks.add(hookKey(words[1]!, words[3]!));
    } else if (words[0] === '-A' && words[1]?.startsWith(CHAIN_PREFIX) && words[2] === '-s' && words[4] === '-j' && words[5] === 'DROP') {
      const set = chains.get(words[1]) ?? new Set<string>();
      set.add(words[3]!.replace(/\/(32|128)$/, ''));
      chains.set(words[1], set);
    }
  }
  return { chains, hooks };
}

// The commands that turn `actual` into `desired` (chain → IPs) for one address family:
// create missing chains, hook them once into each configured chain, add missing bans, drop stale ones.
export function planChains(
  family: Family,
  desired: ReadonlyMap<string, ReadonlySet<string>>,
  actual: ChainView,
  hookChains: readonly string[],
): Argv[] {
  const bin = binaryFor(family);
  const cmd = (...args: string[]): Argv => [bin, '-w', ...args];
  const out: Argv[] = [];
  for (const [chain, ips] of desired) {
    if (ips.size === 0) continue;
    if (!actual.chains.has(chain)) out.push(cmd('-N', chain));
    for (const hook of hookChains) if (!actual.hooks.has(hookKey(hook, chain))) out.push(cmd('-I', hook, '1', '-j', chain));
    const have = actual.chains.get(chain) ?? new Set<string>();
    for (const ip of ips) if (!have.has(ip)) out.push(cmd('-A', chain, '-s', ip, '-j', 'DROP'));
  }
  for (const [chain, have] of actual.chains) {
    const want = desired.get(chain) ?? new Set<string>();
    for (const ip of have) if (!want.has(ip)) out.push(cmd('-D', chain, '-s', ip, '-j', 'DROP'));
  }
  return out;
}

// The same commands as one iptables-restore batch (all or nothing); `-N` becomes a chain declaration.
export function toRestoreInput(commands: readonly Argv[]): string {
  const lines = ['*filter'];
  for (const argv of commands) {
    const args = argv.slice(2);
    lines.push(args[0] === '-N' ? `:${args[1]} - [0:0]` : args.join(' '));
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

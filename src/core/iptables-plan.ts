import { bansByJail, filterFor, joinSpec, splitSpec, type Argv, type BanEntry, type FirewallSetup, type JailFilter } from './firewall-model.js';
import type { Family } from './ip.js';
import { canonicalTarget } from './net.js';
import { iptablesPorts } from './ports.js';

export type { Argv } from './firewall-model.js';

/** What `iptables -S` shows that matters: every chain name, the rules of logban's chains, the jumps into them. */
export type IptablesView = {
  readonly chains: ReadonlySet<string>;
  /** logban chain → its rules as specs ("-s 203.0.113.9 -j DROP"), in order, duplicates kept. */
  readonly rules: ReadonlyMap<string, readonly string[]>;
  /** "INPUT -p tcp -m multiport --dports 22 -j logban-sshd", one entry per rule (duplicates kept). */
  readonly hooks: readonly string[];
};

/** What logban wants in one family: its chains' rules and, per chain, the jumps into it. */
export type IptablesWant = {
  readonly rules: ReadonlyMap<string, readonly string[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
};

/** Every chain and set logban owns starts with this, so nothing else is ever touched. */
export const CHAIN_PREFIX = 'logban-';

// One chain per jail: "logban-sshd" (at most 28 characters with jail names of at most 21).
export function chainFor(jail: string): string {
  return `${CHAIN_PREFIX}${jail}`;
}

// IPv4 rules live in iptables, IPv6 rules in ip6tables.
export function binaryFor(family: Family): 'iptables' | 'ip6tables' {
  return family === 4 ? 'iptables' : 'ip6tables';
}

// `-s 203.0.113.9/32` as iptables prints it becomes `-s 203.0.113.9`, as logban writes it (a block stays a block).
function normalizeSpec(words: readonly string[]): string {
  return joinSpec(words.map((w, i) => (words[i - 1] === '-s' ? (canonicalTarget(w) ?? w) : w)));
}

// Reads `iptables -S` (or ip6tables) output.
export function parseRuleListing(text: string): IptablesView {
  const chains = new Set<string>();
  const rules = new Map<string, string[]>();
  const hooks: string[] = [];
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const [op, chain] = words;
    if (chain === undefined) continue;
    if (op === '-P' || op === '-N') chains.add(chain);
    if (op === '-N' && chain.startsWith(CHAIN_PREFIX) && !rules.has(chain)) rules.set(chain, []);
    if (op !== '-A') continue;
    if (chain.startsWith(CHAIN_PREFIX)) {
      const list = rules.get(chain) ?? [];
      list.push(normalizeSpec(words.slice(2)));
      rules.set(chain, list);
    } else if (words.at(-2) === '-j' && words.at(-1)!.startsWith(CHAIN_PREFIX)) {
      hooks.push(joinSpec(words.slice(1)));
    }
  }
  return { chains, rules, hooks };
}

// The jumps from a hook chain into a jail's chain: its protocol and ports, or all traffic.
export function hookSpecs(filter: JailFilter): string[][] {
  const target = ['-j', chainFor(filter.name)];
  const protocols = filter.protocol === 'all' ? (filter.ports.length > 0 ? ['tcp', 'udp'] : []) : [filter.protocol];
  if (protocols.length === 0) return [target];
  const ports = filter.ports.length > 0 ? ['-m', 'multiport', '--dports', iptablesPorts(filter.ports)] : [];
  return protocols.map((p) => ['-p', p, ...ports, ...target]);
}

// `-p tcp --syn -m multiport --dports P -m connlimit --connlimit-above N -j DROP`, spelled the way
// `iptables -S` prints it back, so that a rerun recognises it.
export function connlimitSpec(filter: JailFilter, family: Family): string[] | null {
  if (filter.connlimit === null) return null;
  const ports = filter.ports.length > 0 ? ['-m', 'multiport', '--dports', iptablesPorts(filter.ports)] : [];
  return ['-p', 'tcp', '-m', 'tcp', '--tcp-flags', 'FIN,SYN,RST,ACK', 'SYN', ...ports, '-m', 'connlimit',
    '--connlimit-above', String(filter.connlimit), '--connlimit-mask', family === 4 ? '32' : '128', '--connlimit-saddr', '-j', 'DROP'];
}

// The chains logban wants: per jail its connection limit (if any) and the drop rules `dropsByJail`
// gives; every chain that has rules, or already exists, is hooked into each configured chain.
export function wantedChains(setup: FirewallSetup, family: Family, dropsByJail: ReadonlyMap<string, readonly string[][]>, actual: IptablesView): IptablesWant {
  const rules = new Map<string, string[]>();
  const jails = new Set([...setup.jails.filter((j) => j.connlimit !== null).map((j) => j.name), ...dropsByJail.keys()]);
  for (const jail of jails) {
    const limit = connlimitSpec(filterFor(setup, jail), family);
    const specs = [...(limit ? [limit] : []), ...(dropsByJail.get(jail) ?? [])];
    if (specs.length > 0) rules.set(chainFor(jail), [...new Set(specs.map(joinSpec))]);
  }
  const hooks = new Map<string, string[]>();
  for (const chain of new Set([...rules.keys(), ...actual.rules.keys()])) {
    const filter = filterFor(setup, chain.slice(CHAIN_PREFIX.length));
    hooks.set(chain, setup.hooks.flatMap((h) => hookSpecs(filter).map((spec) => `${h} ${joinSpec(spec)}`)));
  }
  return { rules, hooks };
}

// Hook chains a plan would jump from that the firewall does not have (e.g. DOCKER-USER without Docker).
export function missingHookChains(want: IptablesWant, actual: IptablesView): string[] {
  const have = new Set(actual.hooks);
  const needed = [...want.hooks.values()].flat().filter((h) => !have.has(h)).map((h) => h.split(' ')[0]!);
  return [...new Set(needed)].filter((c) => !actual.chains.has(c));
}

// Occurrences beyond what is wanted (stale, or duplicated by hand or by an older tool), in order.
function surplus(have: readonly string[], wanted: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of have) {
    if (!wanted.has(item) || seen.has(item)) out.push(item);
    seen.add(item);
  }
  return out;
}

// The commands that turn `actual` into `want` for one family: create missing chains, hook them
// (first in the hook chain), add missing rules; then drop stale or duplicated hooks and rules.
export function planIptables(family: Family, want: IptablesWant, actual: IptablesView): Argv[] {
  const bin = binaryFor(family);
  // A first scan with permanent bans plans 100k+ rules: each command an array of its exact size,
  // its words shared ("-s", "DROP", the chain) rather than one copy per command.
  const words = new Map<string, string>();
  const word = (w: string): string => words.get(w) ?? (words.set(w, w), w);
  const cmd = (...args: string[]): Argv => [bin, '-w'].concat(args.map(word));
  const out: Argv[] = [];
  const hooked = new Set(actual.hooks);
  const addHooks = (chain: string) => {
    for (const hook of want.hooks.get(chain) ?? []) {
      if (hooked.has(hook)) continue;
      const [from, ...spec] = splitSpec(hook);
      out.push(cmd('-I', from!, '1', ...spec));
    }
  };
  for (const [chain, specs] of want.rules) {
    if (!actual.rules.has(chain)) out.push(cmd('-N', chain));
    addHooks(chain);
    const have = new Set(actual.rules.get(chain) ?? []);
    for (const spec of specs) if (!have.has(spec)) out.push(cmd('-A', chain, ...splitSpec(spec)));
  }
  for (const chain of want.hooks.keys()) if (!want.rules.has(chain)) addHooks(chain);
  for (const hook of surplus(actual.hooks, new Set([...want.hooks.values()].flat()))) out.push(cmd('-D', ...splitSpec(hook)));
  for (const [chain, specs] of actual.rules) {
    for (const spec of surplus(specs, new Set(want.rules.get(chain) ?? []))) out.push(cmd('-D', chain, ...splitSpec(spec)));
  }
  return out;
}

// What the firewall holds if `want` was applied in full (the do-nothing backend plans against it).
export function viewOfWant(want: IptablesWant, hookChains: readonly string[]): IptablesView {
  return { chains: new Set([...hookChains, ...want.rules.keys()]), rules: want.rules, hooks: [...want.hooks.values()].flat() };
}

// The commands as one iptables-restore batch, which the kernel takes all or nothing (`-N` fails
// the whole batch if the chain exists, where a `:chain` line would silently empty it).
export function toRestoreInput(commands: readonly Argv[]): string {
  return ['*filter', ...commands.map((argv) => joinSpec(argv.slice(2))), 'COMMIT', ''].join('\n');
}

/** A firewall without any chain (what the do-nothing backend starts from). */
export const EMPTY_VIEW: IptablesView = { chains: new Set(), rules: new Map(), hooks: [] };

/** A family's plan: the commands, and hook chains the firewall lacks (an error to report, not to paper over). */
export type FamilyPlan = { readonly commands: readonly Argv[]; readonly missingChains: readonly string[] };

// Per jail one `-s IP -j DROP` rule per banned IP of the family (the iptables backend).
export function dropRules(bans: readonly BanEntry[], family: Family): Map<string, string[][]> {
  return new Map([...bansByJail(bans, family)].map(([jail, list]) => [jail, list.map((b) => ['-s', b.ip, '-j', 'DROP'])]));
}

// The iptables backend for one family: logban's chains with one rule per IP, against `actual`.
export function planBanChains(setup: FirewallSetup, family: Family, bans: readonly BanEntry[], actual: IptablesView): FamilyPlan {
  const want = wantedChains(setup, family, dropRules(bans, family), actual);
  return { commands: planIptables(family, want, actual), missingChains: missingHookChains(want, actual) };
}

// What the last run left in the firewall if all went as planned (the do-nothing backend's "actual").
export function chainsAfter(setup: FirewallSetup, family: Family, drops: ReadonlyMap<string, readonly string[][]>): IptablesView {
  return viewOfWant(wantedChains(setup, family, drops, EMPTY_VIEW), setup.hooks);
}

import { entriesBySet, remainingSeconds, type Argv, type BanEntry, type FirewallSetup } from './firewall-model.js';
import type { Family } from './ip.js';
import { canonicalTarget, isNetwork } from './net.js';
import { isListJail, LIST_PREFIX } from './blocklist.js';
import { SET_CAPACITY } from './jail-capacity.js';
import { CHAIN_PREFIX, chainsAfter, missingHookChains, planIptables, wantedChains, type FamilyPlan, type IptablesView } from './iptables-plan.js';

/** logban's sets as `ipset save` shows them: set → IPs in it. */
export type IpsetView = ReadonlyMap<string, ReadonlySet<string>>;

/** Set → IP → timeout in seconds (0: none). */
export type IpsetWant = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** The kernel refuses ipset timeouts above this many seconds (about 24.8 days). */
export const IPSET_MAX_TIMEOUT = 2_147_483;
/** A jail's set holds what logban lets one jail hold per family (ipset's default of 65,536 would be hit first). */
export const IPSET_MAXELEM = SET_CAPACITY;

/** Set → its maxelem, from the `create` lines of `ipset save` (logban's sets and a regrow's leftover). */
export type IpsetSizes = ReadonlyMap<string, number>;

// The set a too-small set is regrown in before the swap; not "logban-", so no jail is read from it.
const regrowSetFor = (family: Family, net: boolean): string => `logban_regrow-${net ? 'n' : 'v'}${family}`;

// "logban-sshd-v4" holds a jail's single addresses (hash:ip), "logban-sshd-n4" its blocks
// (hash:net: ipv6_prefix, subnets, CIDRs by hand); at most 31 characters with jail names of at most 21.
// Two sets, not one hash:net, so the sets of hosts that ban single addresses stay as they were
// (the kernel swaps no hash:ip with a hash:net).
export function setFor(jail: string, family: Family, net = false): string {
  return `${CHAIN_PREFIX}${jail}-${net ? 'n' : 'v'}${family}`;
}

// A blocklist's entries all go to its hash:net set (addresses and blocks alike), so the list is
// one set that a new version of the list replaces by a swap.
const setOfBan = (b: BanEntry): string => setFor(b.jail, b.ip.includes(':') ? 6 : 4, isNetwork(b.ip) || isListJail(b.jail));
const isListSet = (name: string): boolean => name.startsWith(`${CHAIN_PREFIX}${LIST_PREFIX}`);
const sameEntries = (have: ReadonlySet<string>, want: ReadonlyMap<string, number>): boolean => have.size === want.size && [...want.keys()].every((ip) => have.has(ip));

// The family a set was made for, from its name.
export function familyOfSet(name: string): Family {
  return name.endsWith('6') ? 6 : 4;
}

const isNetSet = (name: string): boolean => /-n[46]$/.test(name);

// Reads `ipset save`; sets that are not logban's are ignored.
export function parseIpsetSave(text: string): IpsetView {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const [op, name, ip] = line.trim().split(/\s+/);
    if (!name?.startsWith(CHAIN_PREFIX)) continue;
    if (op === 'create' && !out.has(name)) out.set(name, new Set());
    if (op === 'add' && ip !== undefined) {
      const set = out.get(name) ?? new Set<string>();
      set.add(canonicalTarget(ip) ?? ip);
      out.set(name, set);
    }
  }
  return out;
}

// Reads the maxelem of each of logban's sets from `ipset save`.
export function parseIpsetSizes(text: string): IpsetSizes {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^create (logban[-_]\S+) ([^\n]*)/gm)) {
    const size = /\bmaxelem (\d+)/.exec(m[2]!);
    // ipset's default when a set was made without maxelem.
    out.set(m[1]!, size ? Number(size[1]) : 65_536);
  }
  return out;
}

// The sets logban wants in one family: one per jail with bans, plus the ones it made before
// (kept, so the iptables rule that matches them never points at nothing).
export function wantedSets(setup: FirewallSetup, family: Family, bans: readonly BanEntry[], actual: IpsetView): IpsetWant {
  const out = new Map<string, Map<string, number>>();
  for (const name of actual.keys()) if (familyOfSet(name) === family) out.set(name, new Map());
  return entriesBySet(bans, family, setOfBan, setup.now, IPSET_MAXELEM, IPSET_MAX_TIMEOUT, out);
}

const createSet = (name: string, family: Family, net = isNetSet(name)): Argv =>
  ['ipset', 'create', name, net ? 'hash:net' : 'hash:ip', 'family', family === 4 ? 'inet' : 'inet6', 'timeout', '0', 'maxelem', String(IPSET_MAXELEM), '-exist'];
const addOne = (name: string, ip: string, timeout: number): Argv => ['ipset', 'add', name, ip, 'timeout', String(timeout), '-exist'];

// A set made smaller than IPSET_MAXELEM (by hand, or by another tool) is filled anew in a spare set
// that then swaps places with it: the rule matching it never sees a set without the bans.
function regrow(out: Argv[], name: string, family: Family, ips: ReadonlyMap<string, number>): void {
  const spare = regrowSetFor(family, isNetSet(name));
  out.push(createSet(spare, family, isNetSet(name)), ['ipset', 'flush', spare]);
  for (const [ip, timeout] of ips) out.push(addOne(spare, ip, timeout));
  out.push(['ipset', 'swap', spare, name], ['ipset', 'destroy', spare]);
}

// Delete stale IPs (first, so a full set can take the new ones), create missing sets, regrow small
// ones, add missing IPs with their remaining time.
export function planIpset(family: Family, want: IpsetWant, actual: IpsetView, sizes: IpsetSizes = new Map()): Argv[] {
  const small = (name: string) => actual.has(name) && (sizes.get(name) ?? IPSET_MAXELEM) < IPSET_MAXELEM;
  const out: Argv[] = [];
  const regrown = new Set<boolean>();
  for (const [name, have] of actual) {
    if (familyOfSet(name) !== family || small(name) || isListSet(name)) continue;
    const keep = want.get(name) ?? new Map<string, number>();
    for (const ip of have) if (!keep.has(ip)) out.push(['ipset', 'del', name, ip, '-exist']);
  }
  for (const [name, ips] of want) {
    // A blocklist that changed is filled anew beside its set and swapped in: one step for the kernel.
    if (small(name) || (isListSet(name) && actual.has(name) && !sameEntries(actual.get(name)!, ips))) {
      regrow(out, name, family, ips);
      regrown.add(isNetSet(name));
      continue;
    }
    if (!actual.has(name)) out.push(createSet(name, family));
    const have = actual.get(name) ?? new Set<string>();
    for (const [ip, timeout] of ips) if (!have.has(ip)) out.push(addOne(name, ip, timeout));
  }
  // A spare set left by a run killed during a regrow (a regrow of this run destroys it itself).
  for (const net of [false, true]) {
    const spare = regrowSetFor(family, net);
    if (sizes.has(spare) && !regrown.has(net)) out.push(['ipset', 'destroy', spare]);
  }
  return out;
}

// What the kernel holds if `want` was applied (the do-nothing backend plans against it).
export function viewOfSets(want: IpsetWant): IpsetView {
  return new Map([...want].map(([name, ips]) => [name, new Set(ips.keys())]));
}

// The commands as one `ipset restore` input (each line is a command without the leading "ipset").
export function toIpsetRestore(commands: readonly Argv[]): string {
  return `${commands.map((argv) => argv.slice(1).join(' ')).join('\n')}\n`;
}

// One `-m set --match-set NAME src -j DROP` rule per wanted set, in its jail's chain.
export function setRules(want: IpsetWant): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const name of want.keys()) {
    const jail = name.slice(CHAIN_PREFIX.length, -3);
    out.set(jail, [...(out.get(jail) ?? []), ['-m', 'set', '--match-set', name, 'src', '-j', 'DROP']]);
  }
  return out;
}

/** The ipset backend's plan for one family: set changes (applied first), then chain changes. */
export type IpsetFamilyPlan = FamilyPlan & { readonly setCommands: readonly Argv[] };

// The ipset backend for one family: sets with the IPs, and logban's chains matching the sets.
export function planSetChains(setup: FirewallSetup, family: Family, bans: readonly BanEntry[], sets: IpsetView, chains: IptablesView, sizes?: IpsetSizes): IpsetFamilyPlan {
  const want = wantedSets(setup, family, bans, sets);
  const wantChains = wantedChains(setup, family, setRules(want), chains);
  return {
    setCommands: planIpset(family, want, sets, sizes),
    commands: planIptables(family, wantChains, chains),
    missingChains: missingHookChains(wantChains, chains),
  };
}

// What the last run left if all went as planned (the do-nothing backend's "actual").
export function setsAfter(setup: FirewallSetup, family: Family, previous: readonly BanEntry[]): { sets: IpsetView; chains: IptablesView } {
  const want = wantedSets(setup, family, previous, new Map());
  return { sets: viewOfSets(want), chains: chainsAfter(setup, family, setRules(want)) };
}

// The set changes that turn `previous` into `bans` when the sets are known to hold `previous`
// exactly (the run's check verified them): a ban is the same when it is the same record, so a
// lifted ban and its renewal are a del and an add. Deletions first, as in a full plan.
export function planIpsetDelta(setup: FirewallSetup, previous: readonly BanEntry[], bans: readonly BanEntry[]): Argv[] {
  const before = new Set(previous);
  const after = new Set(bans);
  const dels = previous.filter((b) => !after.has(b)).map((b): Argv => ['ipset', 'del', setOfBan(b), b.ip, '-exist']);
  const adds = bans.filter((b) => !before.has(b)).map((b) => addOne(setOfBan(b), b.ip, remainingSeconds(b.expiresAt, setup.now, IPSET_MAX_TIMEOUT)));
  return [...dels, ...adds];
}

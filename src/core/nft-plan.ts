import { entriesBySet, filterFor, remainingSeconds, type Argv, type BanEntry, type FirewallSetup, type JailFilter } from './firewall-model.js';
import type { Family } from './ip.js';
import { blockText, canonicalTarget, isNetwork, narrowTo, parseBlock } from './net.js';
import { SET_CAPACITY } from './jail-capacity.js';
import { nftPorts } from './ports.js';

/** The one table logban owns, for IPv4 and IPv6 together. */
export const NFT_FAMILY = 'inet';
export const NFT_TABLE = 'logban';
/** nft takes element timeouts in seconds far beyond any ban; this keeps numbers finite and readable. */
export const NFT_MAX_TIMEOUT = 10 * 365 * 86400;

/** The part of `nft -j list table inet logban` that matters. */
export type NftView = {
  readonly exists: boolean;
  /** "set ban4-sshd ipv4_addr 262144" (its size, "-" for none), "chain hook-input input", "rule jail-sshd h1a2b3c4d", ... */
  readonly structure: ReadonlySet<string>;
  /** Ban set → IPs in it. */
  readonly elements: ReadonlyMap<string, ReadonlySet<string>>;
};

type Statement = { readonly key: string; readonly argv: Argv };

/** The table logban wants: its sets, chains and rules, and the IPs (with timeouts, 0 = none) of each ban set. */
export type NftWant = {
  readonly statements: readonly Statement[];
  readonly elements: ReadonlyMap<string, ReadonlyMap<string, number>>;
};

const HOOKS: Readonly<Record<string, 'input' | 'forward'>> = { INPUT: 'input', FORWARD: 'forward', 'DOCKER-USER': 'forward' };

// The nft hook that stands for a configured chain: INPUT → input; FORWARD and DOCKER-USER → forward.
export function nftHookFor(chain: string): 'input' | 'forward' | null {
  return HOOKS[chain] ?? null;
}

// The set of a jail's banned IPs of one family: "ban4-sshd" (prefixes keep sets, chains and hooks
// apart); its banned blocks live in an interval set of their own, "net4-sshd", so the sets of
// single addresses stay hash sets (fast to fill with 100k+ bans).
export const banSetFor = (jail: string, family: Family, net = false): string => `${net ? 'net' : 'ban'}${family}-${jail}`;
const setOfBan = (b: BanEntry): string => banSetFor(b.jail, b.ip.includes(':') ? 6 : 4, isNetwork(b.ip));
const holdsBans = (name: string): boolean => name.startsWith('ban') || name.startsWith('net');
const connSetFor = (jail: string, family: Family): string => `conn${family}-${jail}`;
const jailChain = (jail: string): string => `jail-${jail}`;
const nft = (...args: string[]): Argv => ['nft', ...args];
const inTable = (verb: string, kind: string, ...rest: string[]): Argv => nft(verb, kind, NFT_FAMILY, NFT_TABLE, ...rest);

// FNV-1a: rules are recognised by a comment that hashes their text, so a changed rule is a new rule.
function hashOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `h${h.toString(16).padStart(8, '0')}`;
}

function rule(chain: string, text: string): Statement {
  const hash = hashOf(`${chain} ${text}`);
  return { key: `rule ${chain} ${hash}`, argv: inTable('add', 'rule', chain, `${text} comment "${hash}"`) };
}

// A set's size is part of what a run compares: a set found with another size (an unsized one made
// by an older logban, a smaller one made by hand) is rebuilt with the table.
function set(name: string, family: Family, size: number, flags: string): Statement {
  const type = family === 4 ? 'ipv4_addr' : 'ipv6_addr';
  return { key: `set ${name} ${type} ${size}`, argv: inTable('add', 'set', name, `{ type ${type}; size ${size}; ${flags} }`) };
}

function matchOf(filter: JailFilter): string {
  const ports = filter.ports.length > 0 ? ` th dport { ${nftPorts(filter.ports)} }` : '';
  if (filter.protocol === 'all') return filter.ports.length > 0 ? `meta l4proto { tcp, udp }${ports} ` : '';
  return `meta l4proto ${filter.protocol}${ports} `;
}

function jailStatements(filter: JailFilter): Statement[] {
  const chain = jailChain(filter.name);
  const out: Statement[] = [];
  for (const net of [false, true]) {
    for (const family of [4, 6] as const) out.push(set(banSetFor(filter.name, family, net), family, SET_CAPACITY, net ? 'flags interval, timeout;' : 'flags timeout;'));
  }
  out.push({ key: `chain ${chain} -`, argv: inTable('add', 'chain', chain) });
  for (const net of [false, true]) {
    out.push(rule(chain, `ip saddr @${banSetFor(filter.name, 4, net)} drop`), rule(chain, `ip6 saddr @${banSetFor(filter.name, 6, net)} drop`));
  }
  if (filter.connlimit !== null) {
    const ports = filter.ports.length > 0 ? ` tcp dport { ${nftPorts(filter.ports)} }` : '';
    for (const family of [4, 6] as const) {
      const name = connSetFor(filter.name, family);
      out.push(set(name, family, 65535, 'flags dynamic;'));
      const addr = family === 4 ? 'ip saddr' : 'ip6 saddr';
      out.push(rule(chain, `tcp flags & (fin | syn | rst | ack) == syn${ports} add @${name} { ${addr} ct count over ${filter.connlimit} } drop`));
    }
  }
  return out;
}

// One table `inet logban`: per jail two ban sets with timeouts, a chain that drops their IPs (and
// limits connections), and a base chain per hook that jumps into each jail's chain for its ports.
export function wantedTable(setup: FirewallSetup, bans: readonly BanEntry[]): NftWant {
  const names = [...new Set([...setup.jails.map((j) => j.name), ...bans.map((b) => b.jail)])];
  const filters = names.map((n) => filterFor(setup, n));
  const statements: Statement[] = filters.flatMap(jailStatements);
  for (const hook of [...new Set(setup.hooks.map(nftHookFor).filter((h) => h !== null))]) {
    const chain = `hook-${hook}`;
    statements.push({ key: `chain ${chain} ${hook}`, argv: inTable('add', 'chain', chain, `{ type filter hook ${hook} priority filter - 1; policy accept; }`) });
    for (const f of filters) statements.push(rule(chain, `${matchOf(f)}jump ${jailChain(f.name)}`));
  }
  const elements = new Map<string, Map<string, number>>();
  for (const family of [4, 6] as const) entriesBySet(bans, family, setOfBan, setup.now, SET_CAPACITY, NFT_MAX_TIMEOUT, elements);
  for (const [name, ips] of elements) if (name.startsWith('net')) elements.set(name, outermost(ips));
  return { statements, elements };
}

// An interval set takes no block that overlaps another: of nested blocks (a /64 banned by hand
// over a jail's /128s, bans kept from before a prefix change, a blocklist's CIDRs inside each
// other) the widest stands for the rest. Blocks are looked up by the few lengths kept so far, so
// a list of 100k CIDRs costs a few lookups each.
export function outermost(ips: ReadonlyMap<string, number>): Map<string, number> {
  const blocks = [...ips].map(([text, timeout]) => ({ text, timeout, block: parseBlock(text)! })).sort((a, b) => a.block.len - b.block.len);
  const kept = new Map<number, Set<string>>();
  const out = new Map<string, number>();
  for (const b of blocks) {
    let covered = false;
    for (const [len, texts] of kept) if (len <= b.block.len && texts.has(blockText(narrowTo(b.block, len)))) { covered = true; break; }
    if (covered) continue;
    const at = kept.get(b.block.len) ?? new Set<string>();
    at.add(b.text);
    kept.set(b.block.len, at);
    out.set(b.text, b.timeout);
  }
  return out.size === ips.size ? new Map(ips) : out;
}

type Json = Record<string, unknown>;

// An element as `nft -j` prints it: "192.0.2.1", { prefix: { addr, len } }, or either inside { elem: { val } }.
function valueOf(elem: unknown): string | null {
  if (typeof elem === 'string') return elem;
  const prefix = (elem as Json | null)?.['prefix'] as Json | undefined;
  if (prefix && typeof prefix['addr'] === 'string' && typeof prefix['len'] === 'number') return `${prefix['addr']}/${prefix['len']}`;
  const inner = (elem as Json | null)?.['elem'] as Json | undefined;
  return inner === undefined ? null : valueOf(inner['val']);
}

// Reads `nft -j list table inet logban`; an empty text means the table does not exist.
export function parseNftJson(text: string): NftView {
  const structure = new Set<string>();
  const elements = new Map<string, Set<string>>();
  let exists = false;
  const items = text.trim() === '' ? [] : ((JSON.parse(text) as Json)['nftables'] as Json[] | undefined) ?? [];
  for (const item of items) {
    const [kind, body] = Object.entries(item)[0] ?? [];
    const b = body as Json;
    if (b?.['table'] !== undefined && b['table'] !== NFT_TABLE) continue;
    if (kind === 'table' && b['name'] === NFT_TABLE) exists = true;
    if (kind === 'set') {
      structure.add(`set ${String(b['name'])} ${String(b['type'])} ${typeof b['size'] === 'number' ? b['size'] : '-'}`);
      const ips = ((b['elem'] as unknown[] | undefined) ?? []).map(valueOf).filter((v): v is string => v !== null);
      if (holdsBans(String(b['name']))) elements.set(String(b['name']), new Set(ips.map((ip) => canonicalTarget(ip) ?? ip)));
    }
    if (kind === 'chain') structure.add(`chain ${String(b['name'])} ${typeof b['hook'] === 'string' ? b['hook'] : '-'}`);
    if (kind === 'rule') structure.add(`rule ${String(b['chain'])} ${typeof b['comment'] === 'string' ? b['comment'] : `handle-${String(b['handle'])}`}`);
  }
  return { exists, structure, elements };
}

/** A plan: the commands as argv (one per change, for the report) and the one `nft -f -` script that makes them. */
export type NftPlan = { readonly commands: readonly Argv[]; readonly script: string };

const element = (ip: string, timeout: number) => (timeout > 0 ? `${ip} timeout ${timeout}s` : ip);

// When the table's sets, chains and rules are as wanted, only IPs are added and deleted; otherwise
// the table is replaced whole, with every IP, in the same transaction.
export function planNft(want: NftWant, actual: NftView): NftPlan {
  const rebuild = !actual.exists || actual.structure.size !== want.statements.length || want.statements.some((s) => !actual.structure.has(s.key));
  const commands: Argv[] = [];
  const script: string[] = [];
  const line = (argv: Argv) => argv.slice(1).join(' ');
  if (rebuild) {
    if (actual.exists) commands.push(nft('delete', 'table', NFT_FAMILY, NFT_TABLE));
    commands.push(nft('add', 'table', NFT_FAMILY, NFT_TABLE), ...want.statements.map((s) => s.argv));
    script.push(`add table ${NFT_FAMILY} ${NFT_TABLE}`, `delete table ${NFT_FAMILY} ${NFT_TABLE}`, ...commands.filter((c) => c[1] !== 'delete').map(line));
  }
  for (const [name, have] of rebuild ? [] : actual.elements) {
    const keep = want.elements.get(name) ?? new Map<string, number>();
    for (const ip of have) {
      if (keep.has(ip)) continue;
      commands.push(inTable('delete', 'element', name, `{ ${ip} }`));
      // Deletions go first, so a full set can take the new IPs; each element is added before it is
      // deleted so that one the kernel timed out meanwhile cannot fail the whole batch.
      script.push(`add element ${NFT_FAMILY} ${NFT_TABLE} ${name} { ${ip} }`, `delete element ${NFT_FAMILY} ${NFT_TABLE} ${name} { ${ip} }`);
    }
  }
  for (const [name, ips] of want.elements) {
    const have = rebuild ? new Set<string>() : (actual.elements.get(name) ?? new Set<string>());
    const add = [...ips].filter(([ip]) => !have.has(ip));
    for (const [ip, timeout] of add) commands.push(inTable('add', 'element', name, `{ ${element(ip, timeout)} }`));
    for (let i = 0; i < add.length; i += 1000) {
      script.push(`add element ${NFT_FAMILY} ${NFT_TABLE} ${name} { ${add.slice(i, i + 1000).map(([ip, t]) => element(ip, t)).join(', ')} }`);
    }
  }
  return { commands, script: script.length > 0 ? `${script.join('\n')}\n` : '' };
}

// What the kernel holds if `want` was applied (the do-nothing backend plans against it).
export function viewOfTable(want: NftWant): NftView {
  return {
    exists: true,
    structure: new Set(want.statements.map((s) => s.key)),
    elements: new Map([...want.elements].map(([name, ips]) => [name, new Set(ips.keys())])),
  };
}

// The element changes that turn `previous` into `bans` when the table is known to hold `previous`
// exactly (the run's check verified it): a ban is the same when it is the same record. Deletions
// first, each element added before it is deleted (one the kernel timed out cannot fail the batch).
export function planNftDelta(setup: FirewallSetup, previous: readonly BanEntry[], bans: readonly BanEntry[]): NftPlan {
  const before = new Set(previous);
  const after = new Set(bans);
  const setOf = setOfBan;
  const commands: Argv[] = [];
  const script: string[] = [];
  for (const b of previous) {
    if (after.has(b)) continue;
    commands.push(inTable('delete', 'element', setOf(b), `{ ${b.ip} }`));
    script.push(`add element ${NFT_FAMILY} ${NFT_TABLE} ${setOf(b)} { ${b.ip} }`, `delete element ${NFT_FAMILY} ${NFT_TABLE} ${setOf(b)} { ${b.ip} }`);
  }
  for (const b of bans) {
    if (before.has(b)) continue;
    const text = element(b.ip, remainingSeconds(b.expiresAt, setup.now, NFT_MAX_TIMEOUT));
    commands.push(inTable('add', 'element', setOf(b), `{ ${text} }`));
    script.push(`add element ${NFT_FAMILY} ${NFT_TABLE} ${setOf(b)} { ${text} }`);
  }
  return { commands, script: script.length > 0 ? `${script.join('\n')}\n` : '' };
}

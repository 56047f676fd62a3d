import { decide, type Incoming } from '../core/decide.js';
import { capacityOf, capacityWarnings, changeLoads, countBans, fullLine } from '../core/jail-capacity.js';
import { familiesOf } from '../core/firewall-model.js';
import { setupOf } from '../io/firewall/select.js';
import type { Argv } from '../core/iptables-plan.js';
import type { Ban, State } from '../core/state.js';
import type { BanGuard } from '../core/ban-guard.js';
import type { LineReader } from '../core/evidence.js';
import type { Config } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';
import type { JournalSource } from '../io/journal.js';
import type { Progress } from '../io/progress.js';
import type { Threads } from './read-classified.js';
import type { HeadView, StateStore } from '../io/state-store.js';
import type { WhoisInfo } from '../core/whois-parse.js';
import type { WhoisLookup } from '../io/whois.js';
import { banGuardOf, guardTextOf, keyersOf, narrowingsOf } from './ban-guard.js';
import { readSources, type FileReport, type Note } from './read-sources.js';
import { enrichWhois } from './whois-enrich.js';
import { checkFirewall, joinFamilies, onlyEntriesChange, stampAfter } from './scan-firewall.js';
import { fleetNeedsCommit, fleetToCommit, pullFleet, sendFleet } from './fleet-step.js';
import { checkLists, readLists } from './lists-step.js';
import type { FleetEngine } from '../io/fleet/types.js';

/** `keepCommands: false`: the result's `commands` is left empty (nobody prints them; 100k+ bans make as many). */
export type ScanOptions = { readonly dryRun: boolean; readonly maxBans: number; readonly now: number; readonly keepCommands?: boolean };

export type ScanDeps = {
  readonly config: Config;
  readonly store: StateStore;
  readonly firewall: Firewall;
  readonly hostAddresses: readonly string[];
  /** The default routes' gateways: no network ban may hold one. */
  readonly gateways?: readonly string[];
  /** Identifies the current boot; when it differs from the state's, the firewall is rebuilt. */
  readonly bootId: string | null;
  /** Where jails with journalmatch read from; absent: no journal is read. */
  readonly journal?: JournalSource;
  /** Progress of the reading step, for a person at a terminal. */
  readonly progress?: (totalBytes: number) => Progress;
  /** Threads for a big plain log (see read-classified). */
  readonly threads?: Threads;
  /** whois for new bans ([report] whois = true); absent: no lookups. */
  readonly whois?: WhoisLookup;
  /** The fleet's engine ([fleet]); absent: the fleet's saved decisions are applied, nothing is pulled or sent. */
  readonly fleet?: FleetEngine;
};

export type ScanResult = {
  readonly dryRun: boolean;
  readonly now: number;
  readonly files: readonly FileReport[];
  readonly newBans: readonly Ban[];
  readonly unbans: readonly { ip: string; jail: string; reason: string }[];
  readonly activeBans: number;
  readonly deferred: number;
  readonly commands: readonly Argv[];
  readonly notes: readonly Note[];
  /** whois per newly banned IP when lookups are on (an IP missing here is unknown). */
  readonly whois?: Readonly<Record<string, WhoisInfo>>;
  /** Reads back the new bans' evidence lines named by handle (see core/evidence). */
  readonly readLines: LineReader;
  /** Why a new ban's block is narrower than its jail's prefix (a shield inside it), by target. */
  readonly narrowed?: Readonly<Record<string, string>>;
};


function sameCursors(a: State['files'], b: State['files']): boolean {
  const keys = Object.keys(b);
  return keys.every((k) => a[k]?.offset === b[k]!.offset && a[k]?.ino === b[k]!.ino && a[k]?.dev === b[k]!.dev);
}

const hasIncoming = (incoming: Incoming) => [...incoming.keys()].some((jail) => !incoming.get(jail)!.keys().next().done);

/** How much of the bans a run read: none (the head), those of the addresses with new failures, or all. */
type Reading = 'head' | 'some' | 'all';

// The addresses of this run's failures and of the bans the head alone would make.
function addressesOf(incoming: Incoming, newBans: readonly Ban[]): Set<string> {
  const out = new Set(newBans.map((b) => b.ip));
  for (const jail of incoming.keys()) for (const ip of incoming.get(jail)!.keys()) out.add(ip);
  return out;
}

// Reads the logs and decides. Most runs decide on the head alone (the bans are not read): when no
// line came in, no ban ends, no check changed and the firewall needs nothing, no ban can change.
// With new failures, a firewall verified by its stamp and a backend that applies differences,
// only the bans of those addresses are read; otherwise all of them, and the run decides again.
async function readAndDecide(opts: ScanOptions, deps: ScanDeps, view: HeadView, start: 'head' | 'all', some: boolean, refuse: BanGuard) {
  let reading: Reading = start;
  let state = start === 'all' ? deps.store.load() : view.state;
  const { incoming, readLines, ...read } = await readSources(deps.config.jails, state, opts.now, {
    journal: deps.journal, progress: deps.progress, ...(deps.threads ? { threads: deps.threads } : {}), keyers: keyersOf(deps.config, deps.hostAddresses, deps.gateways),
  });
  const run = () => decide({
    now: opts.now,
    jails: deps.config.jails,
    state,
    incoming,
    maxBans: opts.maxBans,
    savedChecked: view.guard === guardTextOf(deps.config, deps.hostAddresses, deps.gateways),
    ...(reading === 'some' && view.loads ? { savedLoads: view.loads } : {}),
    capacity: capacityOf(deps.config.backend),
    recidive: deps.config.recidive,
    refuse,
    readLines,
  });
  let decision = run();
  if (reading === 'head' && (hasIncoming(incoming) || decision.newBans.length > 0)) {
    if (some) {
      state = deps.store.loadSome(addressesOf(incoming, decision.newBans));
      reading = 'some';
      decision = run();
    }
    // Subnet escalation counts every ban of a subnet: a run with new bans there reads them all.
    const escalating = decision.newBans.length > 0 && deps.config.jails.some((j) => j.subnet !== null);
    if (!some || escalating || decision.unbans.length > 0 || !onlyEntriesChange(view.loads, decision.newBans)) {
      state = deps.store.load();
      reading = 'all';
      decision = run();
    }
  }
  return { read, decision, state, reading, readLines };
}

// One cron run: read → match → window → decide → firewall → commit. The state is written only
// after the firewall step succeeded, so a failed or killed run is simply redone by the next one.
export async function runScan(opts: ScanOptions, deps: ScanDeps): Promise<ScanResult> {
  const { config, store, firewall } = deps;
  const first = store.loadHead();
  // The checks of every ban, built once for the run (fleet decisions, blocklists and decide use them).
  const refuse = banGuardOf(config, deps.hostAddresses, deps.gateways);
  // The fleet's decisions first, kept at once (see fleet-step); a dry run asks the engine nothing.
  const fleet = config.fleet ? await pullFleet(config.fleet, opts.dryRun ? undefined : deps.fleet, store, {
    now: opts.now, bootId: deps.bootId, dryRun: opts.dryRun, refuse, commit: !first.fromV1,
  }) : null;
  const view = store.loadHead();
  const guard = guardTextOf(config, deps.hostAddresses, deps.gateways);
  // Blocklist files: one stat each; a changed one is read and the firewall planned in full.
  const lists = config.blocklists.length > 0 || view.state.lists ? checkLists(config.blocklists, view.state.lists) : null;
  const listsChanged = lists?.changed ?? false;
  // After a reboot the kernel's rules are gone: the first run of the new boot reconciles even
  // when nothing else changed, so bans survive a reboot without an extra unit.
  const rebooted = deps.bootId !== null && view.state.bootId !== deps.bootId && (view.live > 0 || (fleet?.before.length ?? 0) > 0 || config.blocklists.length > 0);
  const expiring = view.nextExpiry !== null && view.nextExpiry <= opts.now;
  // A flushed or edited firewall is read and rewritten in full (so it heals), as after a reboot.
  const held = view.live + Math.max(fleet?.before.length ?? 0, fleet?.after.length ?? 0) + config.blocklists.length;
  const check = rebooted ? 'stale' : await checkFirewall(firewall, config, view.firewall, held, opts.now);
  const stale = !rebooted && check === 'stale';
  // A change of the fleet's entries plans the firewall in full, which needs every local ban.
  const loadAll = view.complete || rebooted || expiring || stale || (fleet?.changed ?? false) || listsChanged || (view.live > 0 && view.guard !== guard);
  const some = check === 'verified' && firewall.appliesDelta === true && !opts.dryRun;
  const { read, decision, state, reading, readLines } = await readAndDecide(opts, deps, view, loadAll ? 'all' : 'head', some, refuse);
  const changed = decision.newBans.length > 0 || decision.unbans.length > 0;
  const fleetChanged = fleet?.changed ?? false;
  const full = changed || rebooted || stale || fleetChanged || listsChanged;
  // Verified by the stamp: only the difference from the saved bans is applied, nothing listed.
  const trusted = check === 'verified' && !view.complete && !fleetChanged && !listsChanged && (reading === 'some' || onlyEntriesChange(countBans(state.bans), decision.bans));
  const fleetBefore = fleet?.before ?? [];
  const fleetAfter = fleet?.after ?? [];
  // A plan in full needs every list's entries (else it would take them out); a trusted one none.
  const listed = full && !trusted && config.blocklists.length > 0 ? readLists(config.blocklists, refuse) : { entries: [], notes: [] };
  const listsBefore = listsChanged ? [] : listed.entries;
  const applied = full ? await firewall.apply([...decision.bans, ...fleetAfter, ...listed.entries], rebooted ? [] : [...state.bans, ...fleetBefore, ...listsBefore], { trusted }) : [];
  const commands = opts.keepCommands === false ? [] : applied;
  const shown = [...decision.bans, ...fleetAfter, ...listed.entries];
  const families = reading === 'all' ? familiesOf(setupOf(config, opts.now), shown) : joinFamilies(view.firewall, [...decision.newBans, ...fleetAfter, ...listed.entries]);
  const stamp = full && !opts.dryRun ? await stampAfter(firewall, config, families, opts.now) : undefined;
  const savedWhois = deps.whois && decision.newBans.length > 0 ? store.loadWhois() : undefined;
  const whois = deps.whois ? await enrichWhois(decision.newBans.map((b) => b.ip), savedWhois, deps.whois, opts.now) : undefined;
  const files = { ...state.files, ...read.cursors };
  const journals = { ...state.journals, ...read.journals };
  const journalMoved = Object.entries(read.journals).some(([k, c]) => state.journals?.[k] !== c);
  const carryChanged = JSON.stringify(read.carry) !== JSON.stringify(state.carry ?? {});
  const bootId = deps.bootId ?? state.bootId;
  const history = Object.keys(decision.history).length > 0 ? { history: decision.history } : {};
  const moved = view.fromV1 || (view.live > 0 && view.guard !== guard) || (stamp !== undefined && stamp !== null);
  const fleetNext = fleet && config.fleet ? fleetToCommit(fleet, config.fleet, decision.newBans, decision.unbans, opts.now) : undefined;
  const fleetMoved = fleet !== null && fleetNext !== undefined && fleetNeedsCommit(fleet, fleetNext);
  let sent: Note | null = null;
  if (!opts.dryRun && (changed || rebooted || journalMoved || carryChanged || moved || fleetMoved || listsChanged || !sameCursors(state.files, read.cursors))) {
    const cache = whois?.cache ?? state.whois;
    store.save({
      version: 1, files, windows: decision.windows, bans: decision.bans,
      ...(Object.keys(journals).length > 0 ? { journals } : {}), ...(bootId ? { bootId } : {}), ...(cache ? { whois: cache } : {}),
      ...history, ...(Object.keys(read.carry).length > 0 ? { carry: read.carry } : {}), ...(fleetNext ? { fleet: fleetNext } : {}),
      ...(lists && Object.keys(lists.stamps).length > 0 ? { lists: lists.stamps } : {}),
    }, state, { guard, lines: readLines, ...(stamp !== undefined ? { firewall: stamp } : {}) });
  }
  // This host's bans reach the fleet once they are committed (an engine away keeps them for the next run).
  if (!opts.dryRun && config.fleet && deps.fleet && fleetNext) sent = await sendFleet(config.fleet, deps.fleet, store, fleetNext, opts.now);
  const notes = [...(fleet?.notes ?? []), ...listed.notes, ...read.notes, ...(sent ? [sent] : [])];
  if (!changed && applied.length > 0 && !opts.dryRun) {
    notes.push({ level: 'info', text: `firewall: ${applied.length} change(s) re-applied to match the saved bans (flushed or edited by hand?)` });
  }
  for (const tmp of opts.dryRun ? [] : store.leftovers()) {
    notes.push({ level: 'warning', text: `${tmp}: a temp file left by a killed run; the state in ${store.path} was kept, remove it` });
  }
  // A full jail is news on every run; the size warnings ride along a report that is sent anyway.
  for (const full of decision.full) notes.push({ level: 'warning', text: fullLine(full, config.backend) });
  for (const text of decision.refusedSubnets) notes.push({ level: 'warning', text });
  const loads = reading === 'all' ? decision.bans : changeLoads(view.loads ?? [], decision.newBans, decision.unbans);
  if (changed) for (const text of capacityWarnings(config.backend, loads)) notes.push({ level: 'warning', text });
  if (decision.deferred > 0) notes.push({ level: 'warning', text: `${decision.deferred} IP(s) over the threshold wait for the next run (--max-bans ${opts.maxBans})` });
  const narrowed = narrowingsOf(config, decision.newBans, deps.hostAddresses, deps.gateways);
  return {
    ...(Object.keys(narrowed).length > 0 ? { narrowed } : {}),
    dryRun: opts.dryRun, now: opts.now, files: read.files, newBans: decision.newBans, unbans: decision.unbans,
    activeBans: reading === 'all' ? decision.bans.length : view.live + decision.newBans.length - decision.unbans.length, deferred: decision.deferred, commands, notes,
    ...(whois ? { whois: Object.fromEntries(whois.info) } : {}), readLines,
  };
}

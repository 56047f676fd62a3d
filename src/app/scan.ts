import { decide } from '../core/decide.js';
import { capacityOf, capacityWarnings, fullLine } from '../core/jail-capacity.js';
import type { Argv } from '../core/iptables-plan.js';
import type { Ban, State } from '../core/state.js';
import type { Config } from '../config/types.js';
import type { Firewall } from '../io/firewall/types.js';
import type { JournalSource } from '../io/journal.js';
import type { Progress } from '../io/progress.js';
import type { StateStore } from '../io/state-store.js';
import type { WhoisInfo } from '../core/whois-parse.js';
import type { WhoisLookup } from '../io/whois.js';
import { banGuardOf } from './ban-guard.js';
import { readSources, type FileReport, type Note } from './read-sources.js';
import { enrichWhois } from './whois-enrich.js';

export type ScanOptions = { readonly dryRun: boolean; readonly maxBans: number; readonly now: number };

export type ScanDeps = {
  readonly config: Config;
  readonly store: StateStore;
  readonly firewall: Firewall;
  readonly hostAddresses: readonly string[];
  /** Identifies the current boot; when it differs from the state's, the firewall is rebuilt. */
  readonly bootId: string | null;
  /** Where jails with journalmatch read from; absent: no journal is read. */
  readonly journal?: JournalSource;
  /** Progress of the reading step, for a person at a terminal. */
  readonly progress?: (totalBytes: number) => Progress;
  /** whois for new bans ([report] whois = true); absent: no lookups. */
  readonly whois?: WhoisLookup;
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
};


function sameCursors(a: State['files'], b: State['files']): boolean {
  const keys = Object.keys(b);
  return keys.every((k) => a[k]?.offset === b[k]!.offset && a[k]?.ino === b[k]!.ino && a[k]?.dev === b[k]!.dev);
}

// Reads the logs and decides; the per-IP tallies of the read end here, before the state is
// written (with permanent bans a first scan can hold 100k+ of them).
async function readAndDecide(opts: ScanOptions, deps: ScanDeps, state: State) {
  const { incoming, ...read } = await readSources(deps.config.jails, state, opts.now, { journal: deps.journal, progress: deps.progress });
  const decision = decide({
    now: opts.now,
    jails: deps.config.jails,
    state,
    incoming,
    maxBans: opts.maxBans,
    capacity: capacityOf(deps.config.backend),
    refuse: banGuardOf(deps.config, deps.hostAddresses),
  });
  return { read, decision };
}

// One cron run: read → match → window → decide → firewall → commit. The state is written only
// after the firewall step succeeded, so a failed or killed run is simply redone by the next one.
export async function runScan(opts: ScanOptions, deps: ScanDeps): Promise<ScanResult> {
  const { config, store, firewall } = deps;
  const state = store.load();
  const { read, decision } = await readAndDecide(opts, deps, state);
  const changed = decision.newBans.length > 0 || decision.unbans.length > 0;
  // After a reboot the kernel's rules are gone: the first run of the new boot reconciles even
  // when nothing else changed, so bans survive a reboot without an extra unit.
  const rebooted = deps.bootId !== null && state.bootId !== deps.bootId && decision.bans.length > 0;
  // A backend that reads the real firewall reconciles on every run, so a flushed firewall heals.
  const commands = changed || rebooted || firewall.reconciles ? await firewall.apply(decision.bans, rebooted ? [] : state.bans) : [];
  const whois = deps.whois ? await enrichWhois(decision.newBans.map((b) => b.ip), state.whois, deps.whois, opts.now) : undefined;
  const files = { ...state.files, ...read.cursors };
  const journals = { ...state.journals, ...read.journals };
  const journalMoved = Object.entries(read.journals).some(([k, c]) => state.journals?.[k] !== c);
  const carryChanged = JSON.stringify(read.carry) !== JSON.stringify(state.carry ?? {});
  const bootId = deps.bootId ?? state.bootId;
  const history = Object.keys(decision.history).length > 0 ? { history: decision.history } : {};
  if (!opts.dryRun && (changed || rebooted || journalMoved || carryChanged || !sameCursors(state.files, read.cursors))) {
    const cache = whois?.cache ?? state.whois;
    store.save({
      version: 1, files, windows: decision.windows, bans: decision.bans,
      ...(Object.keys(journals).length > 0 ? { journals } : {}), ...(bootId ? { bootId } : {}), ...(cache ? { whois: cache } : {}),
      ...history, ...(Object.keys(read.carry).length > 0 ? { carry: read.carry } : {}),
    });
  }
  const notes = [...read.notes];
  if (!changed && commands.length > 0 && !opts.dryRun) {
    notes.push({ level: 'info', text: `firewall: ${commands.length} change(s) re-applied to match the saved bans (flushed or edited by hand?)` });
  }
  for (const tmp of opts.dryRun ? [] : store.leftovers()) {
    notes.push({ level: 'warning', text: `${tmp}: a temp file left by a killed run; the state in ${store.path} was kept, remove it` });
  }
  // A full jail is news on every run; the size warnings ride along a report that is sent anyway.
  for (const full of decision.full) notes.push({ level: 'warning', text: fullLine(full, config.backend) });
  if (changed) for (const text of capacityWarnings(config.backend, decision.bans)) notes.push({ level: 'warning', text });
  if (decision.deferred > 0) notes.push({ level: 'warning', text: `${decision.deferred} IP(s) over the threshold wait for the next run (--max-bans ${opts.maxBans})` });
  return {
    dryRun: opts.dryRun, now: opts.now, files: read.files, newBans: decision.newBans, unbans: decision.unbans,
    activeBans: decision.bans.length, deferred: decision.deferred, commands, notes,
    ...(whois ? { whois: Object.fromEntries(whois.info) } : {}),
  };
}

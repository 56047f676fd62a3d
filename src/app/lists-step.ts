import { statSync, readFileSync } from 'node:fs';
import { listEntries, parseList, type Blocklist } from '../core/blocklist.js';
import type { BanGuard } from '../core/ban-guard.js';
import type { BanEntry } from '../core/firewall-model.js';
import type { Note } from './read-sources.js';

// The blocklists' part of a run: one stat a list tells whether its file changed since the
// firewall took it in; a list is read only when it changed or the firewall is planned in full.

/** Each list file's identity (inode, size, mtime), or "missing". */
export type ListStamps = Readonly<Record<string, string>>;

function stampOf(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${Math.round(st.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

/** The lists' stamps now, and whether any differs from what the state says the firewall holds. */
export function checkLists(lists: readonly Blocklist[], saved: ListStamps | undefined): { stamps: ListStamps; changed: boolean } {
  const stamps = Object.fromEntries(lists.map((l) => [l.file, stampOf(l.file)]));
  const before = saved ?? {};
  const changed = Object.keys(stamps).length !== Object.keys(before).length || Object.entries(stamps).some(([f, s]) => before[f] !== s);
  return { stamps, changed };
}

// Every list's entries, with a warning for a list that cannot be read (its entries leave the
// firewall until it can: replace a list by renaming the new file over it) and one line for the
// bad lines and the entries the checks of every ban kept out.
export function readLists(lists: readonly Blocklist[], refuse: BanGuard): { entries: BanEntry[]; notes: Note[] } {
  const entries: BanEntry[] = [];
  const notes: Note[] = [];
  for (const list of lists) {
    let text: string;
    try {
      text = readFileSync(list.file, 'utf8');
    } catch (e) {
      notes.push({ level: 'warning', text: `blocklist ${list.name}: ${list.file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}); its entries are out of the firewall until it can be read` });
      continue;
    }
    const parsed = parseList(text);
    if (parsed.bad.length > 0) {
      const first = parsed.bad[0]!;
      notes.push({ level: 'warning', text: `blocklist ${list.name}: ${list.file}:${first.line}: "${first.text}" is not an address or CIDR block${parsed.bad.length > 1 ? ` (and ${parsed.bad.length - 1} more such lines)` : ''}; left out` });
    }
    const r = listEntries(list, parsed.targets, refuse);
    if (r.refused.length > 0) notes.push({ level: 'warning', text: `blocklist ${list.name}: ${r.refused.length} entr${r.refused.length === 1 ? 'y' : 'ies'} left out: ${r.refused[0]}` });
    entries.push(...r.entries);
    notes.push({ level: 'info', text: `blocklist ${list.name}: ${r.entries.length} entries from ${list.file}` });
  }
  return { entries, notes };
}

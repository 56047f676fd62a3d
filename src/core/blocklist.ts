import type { BanGuard } from './ban-guard.js';
import type { BanEntry } from './firewall-model.js';
import { canonicalTarget } from './net.js';

// Plain blocklists ([[blocklist]]): files of addresses and CIDR blocks (FireHOL's netsets, a
// list of one's own), each enforced in a part of the firewall of its own, the jail "list-<name>",
// on every port, until the file no longer names them.

/** A blocklist of the config: its name (the jail is "list-<name>") and its file. */
export type Blocklist = { readonly name: string; readonly file: string };

export const LIST_PREFIX = 'list-';
export const listJail = (name: string): string => `${LIST_PREFIX}${name}`;
export const isListJail = (jail: string): boolean => jail.startsWith(LIST_PREFIX);

/** What a list file holds: its targets (each once, in logban's spelling) and the lines that are none. */
export type ParsedList = { readonly targets: readonly string[]; readonly bad: readonly { readonly line: number; readonly text: string }[] };

// One address or CIDR a line; "#" starts a comment (a whole line, or after the entry); blank lines
// are nothing. Anything else is a bad line, named, and left out.
export function parseList(text: string): ParsedList {
  const seen = new Set<string>();
  const bad: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const entry = raw.replace(/[#;].*$/, '').trim();
    if (entry === '') return;
    const target = canonicalTarget(entry.split(/\s+/)[0]!);
    if (target === null || /\s/.test(entry)) bad.push({ line: i + 1, text: raw.trim().slice(0, 80) });
    else seen.add(target);
  });
  return { targets: [...seen], bad };
}

/** A list's entries for the firewall, and what the checks of every ban kept out. */
export type ListEntries = { readonly entries: readonly BanEntry[]; readonly refused: readonly string[] };

// The firewall entries of one list (no end: a list holds its entries until it no longer names
// them); an entry that holds or lies in the host's addresses, a gateway or an ignoreip entry is
// kept out, and named.
export function listEntries(list: Blocklist, targets: readonly string[], refuse: BanGuard): ListEntries {
  const jail = listJail(list.name);
  const entries: BanEntry[] = [];
  const refused: string[] = [];
  for (const ip of targets) {
    const why = refuse(ip, jail);
    if (why === null) entries.push({ ip, jail, expiresAt: null });
    else refused.push(why);
  }
  return { entries, refused };
}

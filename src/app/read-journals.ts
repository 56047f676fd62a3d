import type { Jail } from '../config/types.js';
import { ToolMissing } from '../io/exec.js';
import type { JournalSource } from '../io/journal.js';
import type { Note } from './read-chain.js';

type JournalReport = { path: string; startOffset: number; endOffset: number; linesRead: number; rotated: string[] };

// The state key of a journal source: which journal, which matches.
export function journalKey(jail: Pick<Jail, 'journalDir' | 'journalmatch'>): string {
  return `journal:${jail.journalDir ?? ''}:${jail.journalmatch.join(' ')}`;
}

// Reads each journald source from its saved cursor (on a first run, only what is still inside
// the longest window of the jails that watch it) and feeds the lines to those jails.
export async function readJournals(
  jails: readonly Jail[],
  saved: Readonly<Record<string, string>>,
  now: number,
  journal: JournalSource,
  sinkFor: (jails: readonly Jail[], key: string) => { write: (text: string) => void; end: () => void },
): Promise<{ files: JournalReport[]; cursors: Record<string, string>; notes: Note[] }> {
  const bySource = new Map<string, Jail[]>();
  for (const jail of jails) {
    if (jail.journalmatch.length > 0) bySource.set(journalKey(jail), [...(bySource.get(journalKey(jail)) ?? []), jail]);
  }
  const files: JournalReport[] = [];
  const cursors: Record<string, string> = {};
  const notes: Note[] = [];
  for (const [key, watchers] of bySource) {
    const first = watchers[0]!;
    const since = now - Math.max(...watchers.map((j) => j.findtime));
    try {
      const out = await journal.read({ matches: first.journalmatch, dir: first.journalDir, cursor: saved[key] ?? null, since });
      const sink = sinkFor(watchers, key);
      if (out.text !== '') sink.write(out.text);
      sink.end();
      if (out.cursor !== null) cursors[key] = out.cursor;
      files.push({ path: key, startOffset: 0, endOffset: 0, linesRead: out.entries, rotated: [] });
    } catch (e) {
      const why = e instanceof ToolMissing ? 'journalctl was not found: install systemd, or give the jail a logpath' : (e as Error).message;
      notes.push({ level: 'warning', text: `${key}: ${why}` });
    }
  }
  return { files, cursors, notes };
}

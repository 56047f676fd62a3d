import { journalArgs, journalLine } from '../core/journal-entry.js';
import type { Runner } from './exec.js';

export type JournalQuery = { readonly matches: readonly string[]; readonly dir: string | null; readonly cursor: string | null; readonly since: number };
export type JournalRead = { readonly text: string; readonly entries: number; readonly cursor: string | null };

// Reads journal entries through journalctl (argv, never a shell); the do-nothing twin reads none.
export type JournalSource = { readonly read: (q: JournalQuery) => Promise<JournalRead> };

export class JournalError extends Error {}

export function createJournalSource(runner: Runner): JournalSource {
  return {
    async read(q) {
      const argv = journalArgs(q);
      const r = await runner.run(argv);
      if (r.exitCode !== 0) throw new JournalError(`journalctl exited ${r.exitCode}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      let text = '';
      let entries = 0;
      let cursor = q.cursor;
      for (const raw of r.stdout.split('\n')) {
        if (raw === '') continue;
        let entry: unknown;
        try {
          entry = JSON.parse(raw);
        } catch {
          continue;
        }
        const got = typeof entry === 'object' && entry !== null ? journalLine(entry as Record<string, unknown>) : null;
        if (!got) continue;
        text += `${got.line}\n`;
        entries++;
        cursor = got.cursor;
      }
      return { text, entries, cursor };
    },
  };
}

export const noJournal: JournalSource = { read: async (q) => ({ text: '', entries: 0, cursor: q.cursor }) };

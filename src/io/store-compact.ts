import { join } from 'node:path';
import type { LogRef } from '../core/store-head.js';
import { banLine, historyLine, parseEvidence } from '../core/store-records.js';
import type { Ban, State } from '../core/state.js';
import { committedLines, createNew, DAMAGED_FIX } from './store-files.js';
import { StateError } from './state-error.js';

// A new ban log holding only what is in force: one line a ban and a past-ban record.
export function compactBanLog(dir: string, file: string, state: State): LogRef {
  const out = createNew(join(dir, file));
  let records = 0;
  for (const b of state.bans) {
    out.add(banLine(b));
    records++;
  }
  for (const [jail, ips] of Object.entries(state.history ?? {})) {
    for (const [ip, r] of Object.entries(ips)) {
      out.add(historyLine(jail, ip, r));
      records++;
    }
  }
  const bytes = out.bytes();
  out.close();
  return { file, bytes, records };
}

function damagedLine(path: string, line: number): StateError {
  return new StateError(`${path}:${line}: not an evidence record; the file was left as it is: ${DAMAGED_FIX}`);
}

// A new evidence log with the lines of the bans in force only (read a MiB at a time, written as it goes).
export function compactEvidence(dir: string, from: LogRef, file: string, bans: readonly Ban[]): LogRef {
  const live = new Set(bans.map((b) => `${b.jail} ${b.ip} ${b.bannedAt}`));
  const path = join(dir, from.file);
  const out = createNew(join(dir, file));
  let records = 0;
  let n = 0;
  for (const line of committedLines(path, from.bytes)) {
    n++;
    const e = parseEvidence(line);
    if (e === null) throw damagedLine(path, n);
    if (!live.has(`${e.jail} ${e.ip} ${e.bannedAt}`)) continue;
    out.add(`${line}\n`);
    records++;
  }
  const bytes = out.bytes();
  out.close();
  return { file, bytes, records };
}

// The evidence lines saved for one address's bans, by "jail bannedAt" (only that address's lines are parsed).
export function evidenceOf(path: string, bytes: number, ip: string): Map<string, string[]> {
  const mark = `,${JSON.stringify(ip)},`;
  const out = new Map<string, string[]>();
  let n = 0;
  for (const line of committedLines(path, bytes)) {
    n++;
    if (!line.startsWith('["e",') || !line.endsWith(']')) throw damagedLine(path, n);
    if (!line.includes(mark)) continue;
    const e = parseEvidence(line);
    if (e === null) throw damagedLine(path, n);
    if (e.ip === ip) out.set(`${e.jail} ${e.bannedAt}`, e.lines);
  }
  return out;
}

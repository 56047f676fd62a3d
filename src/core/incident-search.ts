import { ipFamily } from './ip.js';
import { forEachCandidateLine, matchLine, type Matcher } from './match.js';
import { createDateReader, type DateReader } from './timestamp.js';

// Lines kept as evidence per report at most (the newest), and how long each may be.
export const INCIDENT_LINES = 20;

export type JailHits = { readonly count: number; readonly firstSeen: number | null; readonly lastSeen: number | null };

// What the current logs say about one address.
export type LogFindings = {
  readonly files: readonly { readonly path: string; readonly lines: number }[];
  /** Lines that mention the address (any kind), in total. */
  readonly mentions: number;
  /** The newest lines that mention it, with their file. */
  readonly sample: readonly { readonly path: string; readonly line: string }[];
  /** Failures per jail: lines the jail's rules match with this address as the host. */
  readonly jails: ReadonlyMap<string, JailHits>;
};

export type IpSearch = {
  /** The next chunks come from `path`, read by the jails named. */
  readonly startFile: (path: string, jails: readonly string[]) => void;
  readonly addText: (text: string) => void;
  readonly result: () => LogFindings;
};

// Finds the address as a whole token (203.0.113.5 is not found in 203.0.113.50); IPv6 in any case.
export function ipTokenRegex(ip: string): RegExp {
  const body = ip.replace(/[.:]/g, (c) => `\\${c}`);
  return ipFamily(ip) === 4 ? new RegExp(`(?<![\\d.])${body}(?!\\d)`, 'g') : new RegExp(`(?<![0-9a-f:])${body}(?![0-9a-f:])`, 'gi');
}

// Collects the lines of the current logs that mention `ip`, and counts the failures each jail's
// rules find for it, with the first and last time. The chunks come from the reader in order.
export function createIpSearch(ip: string, matchers: ReadonlyMap<string, Matcher>, now: number): IpSearch {
  const re = ipTokenRegex(ip);
  const files: { path: string; lines: number }[] = [];
  const sample: { path: string; line: string }[] = [];
  const hits = new Map<string, { count: number; firstSeen: number | null; lastSeen: number | null }>();
  let current: { path: string; lines: number } | undefined;
  let jails: readonly string[] = [];
  let dates: DateReader = createDateReader(now);
  let mentions = 0;
  const visit = (line: string) => {
    mentions++;
    current!.lines++;
    sample.push({ path: current!.path, line: ` ${line}`.slice(1) }); // a copy: the chunk is not kept alive
    if (sample.length > INCIDENT_LINES) sample.shift();
    for (const jail of jails) {
      const v = matchLine(line, matchers.get(jail)!);
      if (v.kind !== 'match' || v.ip !== ip) continue;
      const h = hits.get(jail) ?? { count: 0, firstSeen: null, lastSeen: null };
      const time = dates.read(line)?.time ?? null;
      h.count++;
      if (time !== null) {
        h.firstSeen = h.firstSeen === null ? time : Math.min(h.firstSeen, time);
        h.lastSeen = h.lastSeen === null ? time : Math.max(h.lastSeen, time);
      }
      hits.set(jail, h);
    }
  };
  return {
    startFile(path, names) {
      current = { path, lines: 0 };
      files.push(current);
      jails = names.filter((n) => matchers.has(n));
      dates = createDateReader(now);
    },
    addText: (text) => forEachCandidateLine(text, re, visit),
    result: () => ({ files, mentions, sample, jails: hits }),
  };
}

import { createAttemptCounter, type AttemptInput } from './attempts.js';
import { createAddressRelay } from './connection-address.js';
import { HIT, type HitBatch } from './hits.js';
import { relatesAddresses, type Matcher, type PatternRole } from './match.js';
import { DATE_PATTERNS } from './timestamp.js';

/** A failure line as `test` lists it: its number, address, date (epoch seconds, null: none) and pattern. */
export type TestEntry = Omit<AttemptInput, 'ip'> & { ip: string; lineNo: number; date: number | null; removed: boolean };

export type TestCounts = {
  readonly failureLines: number; readonly forgotten: number; readonly ignored: number; readonly successes: number;
  readonly attempts: number; readonly unaddressed: number;
  readonly hits: readonly number[];
  readonly dates: readonly { readonly name: string; readonly hits: number }[];
  /** The failure lines that count, in line order (only with listMatches). */
  readonly entries: readonly TestEntry[];
};

export type TestTally = {
  /** The records of the next lines in file order; `lineBase`: lines before the batch's text. */
  readonly consume: (batch: HitBatch, lineBase: number) => void;
  readonly finish: () => TestCounts;
};

// Every entry is built by this one literal, so all have one shape: built by spreading, a million
// of them cost several times more to make and to feed. The line text is not kept.
function entryOf(ip: string, time: number, pattern: number, role: PatternRole, key: string | undefined, user: string | undefined, lineNo: number, date: number | null): TestEntry {
  return { ip, time, pattern, line: '', role, key, user, lineNo, date, removed: false };
}

const ROLE: readonly PatternRole[] = ['fail', 'companion', 'success'];

// The counting half of `test`, as fail2ban-regex does it: hits per pattern and date format, and
// how many attempts the lines make (the attempt counter over the records, in file order).
export function createTestTally(matcher: Matcher, patterns: number, now: number, listMatches: boolean): TestTally {
  const hits = Array.from({ length: patterns }, () => 0);
  const dateHits = new Map<string, number>();
  const entries: TestEntry[] = [];
  let ignored = 0;
  let successes = 0;
  let attempts = 0;
  let failureLines = 0;
  let forgotten = 0;
  let unaddressed = 0;
  const counter = createAttemptCounter<TestEntry>({
    count: () => { attempts++; },
    forget: (m) => { m.removed = true; forgotten++; },
  });
  // A line that names no address is a failure line once another line of its connection names it
  // (see core/connection-address); one that only names the address is no failure.
  const relay = relatesAddresses(matcher) ? createAddressRelay(counter, {
    withIp: (m, ip) => {
      m.ip = ip;
      unaddressed--;
      failureLines++;
      if (listMatches) entries.push(m);
      return m;
    },
  }) : null;
  const feed = relay ? relay.feed : counter.feed;

  const consume = (b: HitBatch, lineBase: number) => {
    for (let i = 0; i < b.count; i++) {
      const kind = b.kind[i]!;
      if (kind === HIT.ignored) { ignored++; continue; }
      const pattern = b.pattern[i]!;
      hits[pattern]!++;
      const template = b.template[i]!;
      const date = template >= 0 ? b.time[i]! : null;
      if (template >= 0) {
        const name = DATE_PATTERNS[template]!;
        dateHits.set(name, (dateHits.get(name) ?? 0) + 1);
      }
      const time = date ?? now;
      const lineNo = lineBase + b.lineNo[i]!;
      const key = b.key[i];
      if (kind === HIT.address) {
        ignored++;
        if (relay && key !== undefined) relay.lend(key, b.ip[i]!, time);
        continue;
      }
      if (kind === HIT.unaddressed) {
        unaddressed++;
        relay?.borrow(entryOf('', time, pattern, 'companion', key, undefined, lineNo, date), key!);
        continue;
      }
      const entry = entryOf(b.ip[i]!, time, pattern, ROLE[kind]!, key, b.user[i], lineNo, date);
      if (kind === HIT.success) successes++;
      else {
        failureLines++;
        if (listMatches) entries.push(entry);
      }
      feed(entry);
    }
  };
  return {
    consume,
    finish() {
      counter.flush();
      if (relay) entries.sort((a, b) => a.lineNo - b.lineNo);
      return {
        failureLines, forgotten, ignored, successes, attempts, unaddressed, hits,
        dates: [...dateHits].map(([name, n]) => ({ name, hits: n })),
        entries: entries.filter((e) => !e.removed),
      };
    },
  };
}

import { createAttemptCounter, type AttemptInput, type OpenSlot } from '../core/attempts.js';
import { createClassifier, type ClassifyOptions } from '../core/classify.js';
import { createAddressRelay } from '../core/connection-address.js';
import { longestBan } from '../core/escalation.js';
import { posOf } from '../core/evidence.js';
import { HIT, type HitBatch } from '../core/hits.js';
import { relatesAddresses, type PatternRole } from '../core/match.js';
import type { FailureTally } from '../core/tally.js';
import { relevantSince } from '../core/window.js';
import type { Jail } from '../config/types.js';
import { skipOlderThan, type SkipCheck } from '../io/lines.js';
import type { MatchSetup } from '../io/match-job.js';

export type LineSink = {
  /** Text of complete lines; `at`: where it starts in source number `source`, when its lines can be read again by place (see posOf). */
  readonly write: (text: string, at?: number, source?: number) => void;
  /** Records another thread classified (offsets in source number `source`), next in order. */
  readonly consume: (batch: HitBatch, source: number) => void;
  /** How other threads classify this source's lines; absent: only on this one (a record guard, a jail without its sources). */
  readonly parallel?: MatchSetup;
  readonly end: () => void;
  /** Whether a chunk of lines can be skipped undecoded: its last line is far too old to matter. */
  readonly skip?: SkipCheck;
};

// Logs are written in time order; a chunk whose last line is this much older than what can still
// matter is skipped whole (the slack covers reordered lines and clock or DST changes).
export const SKIP_SLACK = 86400;

/** Keys with lines in the last minute before `now` stay open for the next run (see attempts). */
export const CARRY_SECONDS = 60;

/** Where a sink finds the attempts its source left open last run, and leaves this run's. */
export type SinkCarry = {
  readonly resume: (jail: string) => readonly OpenSlot<AttemptInput>[] | undefined;
  readonly keep: (jail: string, open: OpenSlot<AttemptInput>[]) => void;
};
const NO_CARRY: SinkCarry = { resume: () => undefined, keep: () => {} };

// Open attempts as the state keeps them: a line's place means nothing to another run.
function withoutPlaces(open: readonly OpenSlot<AttemptInput>[]): OpenSlot<AttemptInput>[] {
  return open.map((o) => (o.pending.some((p) => p.pos !== undefined || p.length !== undefined) ? { ...o, pending: o.pending.map(({ pos: _pos, length: _length, ...p }) => p) } : o));
}

// The text handler for one source: every line goes through the matchers of the jails that
// watch it (core/classify), and each attempt (not each line: see core/attempts) lands in that
// jail's tally with its time read from the line, and where the line is when the text was written
// with its place. `end` counts what still waits when the source is read.
export function createLineSink(jails: readonly Jail[], incoming: ReadonlyMap<string, FailureTally>, now: number, carry: SinkCarry = NO_CARRY): LineSink {
  const since = jails.map((jail) => relevantSince({ ...jail, longestBan: longestBan(jail) }, now));
  const classifyJails = jails.map((jail, j) => ({ matcher: jail.matcher, since: since[j]!, ...(jail.datepattern ? { datepattern: jail.datepattern } : {}) }));
  const classifier = createClassifier(classifyJails, sinkClassify(now));
  const perJail = jails.map((jail) => {
    const tally = incoming.get(jail.name)!;
    const resume = withoutPlaces(carry.resume(jail.name) ?? []);
    const counter = createAttemptCounter<AttemptInput>({ count: (m) => tally.add(m.ip, m.time, m.line, m.pos, m.length) }, { resume });
    // Lines that name no address take their connection's (see core/connection-address).
    const relay = relatesAddresses(jail.matcher) ? createAddressRelay(counter) : null;
    return { jail, tally, counter, relay, feed: relay ? relay.feed : counter.feed };
  });
  // The records of lines in the order they were written; a place is `posBase` on from the record's offset.
  const consume = (b: HitBatch, posBase: number) => {
    for (let i = 0; i < b.count; i++) {
      const { jail, tally, relay, feed } = perJail[b.jail[i]!]!;
      const kind = b.kind[i]!;
      const t = b.time[i]!;
      const time = Number.isNaN(t) ? now : t;
      const ip = b.ip[i]!;
      // reset_on_success: a login that worked forgets the failures of its address before it.
      if (kind === HIT.success && jail.resetOnSuccess) tally.reset(ip, time);
      const o = b.offset[i]!;
      const pos = o < 0 ? -1 : posBase + o;
      if (kind === HIT.match || kind === HIT.companion || kind === HIT.success) {
        feed({ ip, time, pattern: b.pattern[i]!, line: b.text[i] ?? '', pos, length: b.length[i]!, role: ROLE[kind]!, key: b.key[i], user: b.user[i] });
      } else if (relay && kind === HIT.address) {
        const key = b.key[i];
        if (key !== undefined) relay.lend(key, ip, time);
      } else if (relay && kind === HIT.unaddressed) {
        relay.borrow({ ip: '', time, pattern: b.pattern[i]!, line: b.text[i] ?? '', pos, length: b.length[i]!, role: 'companion', key: b.key[i] }, b.key[i]!);
      }
    }
  };
  const settle = () => { for (const { tally } of perJail) tally.settle(); };
  const oldest = Math.min(...since);
  return {
    skip: skipOlderThan(classifier.dates, oldest - SKIP_SLACK),
    write(text, at = -1, source = -1) {
      // A line's place is kept as posOf(source, byte): a record's offset then is its place.
      classifier.write(text, at >= 0 && source >= 0 ? posOf(source, at) : -1);
      consume(classifier.take(), 0);
      settle();
    },
    consume(batch, source) {
      consume(batch, posOf(source, 0));
      settle();
    },
    parallel: jails.every((j) => j.patterns !== undefined && j.matcher.guards.length === 0)
      ? { jails: jails.map((j, k) => ({ source: j.patterns!, since: since[k]!, ...(j.datepattern ? { datepattern: j.datepattern } : {}) })), classify: sinkClassify(now), skipBefore: oldest - SKIP_SLACK }
      : undefined,
    end() {
      classifier.end();
      consume(classifier.take(), 0);
      settle();
      for (const { jail, counter } of perJail) carry.keep(jail.name, withoutPlaces(counter.suspend(now - CARRY_SECONDS)));
    },
  };
}

const ROLE: readonly PatternRole[] = ['fail', 'companion', 'success'];

/** How a scan classifies: lines that may wait keep their text (evidence carried to the next run). */
const sinkClassify = (now: number): ClassifyOptions => ({ now, keepText: true, missSamples: 0, lineNumbers: false, attempts: true });

import { createAttemptCounter, type AttemptInput, type OpenSlot } from '../core/attempts.js';
import { createAddressRelay } from '../core/connection-address.js';
import { longestBan } from '../core/escalation.js';
import { posOf } from '../core/evidence.js';
import { forEachCandidateLine, matchLine, relatesAddresses, roleOf } from '../core/match.js';
import { ownString } from '../core/own-string.js';
import { createGuardStage, createTaintCursor } from '../core/record-guard.js';
import type { FailureTally } from '../core/tally.js';
import { createDateReader } from '../core/timestamp.js';
import { relevantSince } from '../core/window.js';
import type { Jail } from '../config/types.js';
import type { SkipCheck } from '../io/lines.js';

const detach = ownString;

export type LineSink = {
  /** Text of complete lines; `at`: where it starts in source number `source`, when its lines can be read again by place (see posOf). */
  readonly write: (text: string, at?: number, source?: number) => void;
  readonly end: () => void;
  /** Whether a chunk of lines can be skipped undecoded: its last line is far too old to matter. */
  readonly skip?: SkipCheck;
};

// Logs are written in time order; a chunk whose last line is this much older than what can still
// matter is skipped whole (the slack covers reordered lines and clock or DST changes).
const SKIP_SLACK = 86400;

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
  return open.map((o) => (o.pending.some((p) => p.pos !== undefined) ? { ...o, pending: o.pending.map(({ pos: _pos, ...p }) => p) } : o));
}

// The text handler for one source: every line goes through the matchers of the jails that
// watch it, and each attempt (not each line: see core/attempts) lands in that jail's tally with
// its time read from the line, and where the line is when the text was written with its place.
// `end` counts what still waits when the source is read.
export function createLineSink(jails: readonly Jail[], incoming: ReadonlyMap<string, FailureTally>, now: number, carry: SinkCarry = NO_CARRY): LineSink {
  const shared = createDateReader(now);
  // Each text written: where it starts among all the characters written, and in its log (-1: not by place).
  const spanChar: number[] = [];
  const spanPos: number[] = [];
  let written = 0;
  const perJail = jails.map((jail) => {
    const tally = incoming.get(jail.name)!;
    // A jail that names its date formats gets a reader limited to them.
    const dates = jail.datepattern ? createDateReader(now, { pattern: jail.datepattern }) : shared;
    const since = relevantSince({ ...jail, longestBan: longestBan(jail) }, now);
    const resume = withoutPlaces(carry.resume(jail.name) ?? []);
    const counter = createAttemptCounter<AttemptInput>({ count: (m) => tally.add(m.ip, m.time, m.line, m.pos) }, { resume });
    // The span of the last line placed (lines come in the order they were written).
    let span = 0;
    const placeOf = (char: number, line: string): number => {
      if (char < 0) return -1;
      while (span + 1 < spanChar.length && spanChar[span + 1]! <= char) span++;
      const start = spanPos[span]!;
      return start < 0 || line.length === 0 ? -1 : start + (char - spanChar[span]!);
    };
    // Lines that name no address take their connection's (see core/connection-address).
    const relay = relatesAddresses(jail.matcher) ? createAddressRelay(counter) : null;
    const feed = relay ? relay.feed : counter.feed;
    const visit = (line: string, char: number) => {
      // The time first: a line too old to matter is never matched.
      const time = dates.read(line)?.time ?? now;
      if (time < since) return;
      const v = matchLine(line, jail.matcher, true);
      // reset_on_success: a login that worked forgets the failures of its address before it.
      if (v.kind === 'success' && jail.resetOnSuccess) tally.reset(v.ip, time);
      if (v.kind === 'match' || v.kind === 'companion' || v.kind === 'success') {
        // A companion may wait in the counter: copied, so it does not hold its 1 MiB chunk.
        const kept = v.kind === 'companion' ? detach(line) : line;
        feed({ ip: v.ip, time, pattern: v.pattern, line: kept, pos: placeOf(char, line), role: roleOf(v), key: v.key, user: v.user });
      } else if (relay && v.kind === 'address') {
        if (v.key !== undefined) relay.lend(v.key, v.ip, time);
      } else if (relay && v.kind === 'unaddressed') {
        relay.borrow({ ip: '', time, pattern: v.pattern, line: detach(line), pos: placeOf(char, line), role: 'companion', key: v.key }, v.key);
      }
    };
    // Lines inside a record a client cut open with a newline never count; a proved whole record
    // is matched as one line (see record-guard).
    const stage = createGuardStage(jail.matcher.guards, (text, taint, joined, at) => {
      const tainted = createTaintCursor(taint);
      forEachCandidateLine(text, jail.matcher.prefilterRe, (line, start) => {
        if (taint.length === 0 || !tainted(start)) visit(line, at + start);
      });
      // A joined record is no line of the log: kept as text.
      for (const j of joined) visit(j.line, -1);
    });
    return { jail, tally, counter, stage };
  });
  const oldest = Math.min(...jails.map((jail) => relevantSince({ ...jail, longestBan: longestBan(jail) }, now)));
  return {
    skip(bytes, from, to) {
      if (oldest === -Infinity) return false;
      const start = Math.max(from, bytes.lastIndexOf(10, to - 2) + 1);
      const time = shared.read(bytes.toString('utf8', start, to - 1))?.time;
      return time !== undefined && time < oldest - SKIP_SLACK;
    },
    write(text, at = -1, source = -1) {
      spanChar.push(written);
      spanPos.push(at >= 0 && source >= 0 ? posOf(source, at) : -1);
      written += text.length;
      for (const { stage } of perJail) stage.write(text);
      for (const { tally } of perJail) tally.settle();
    },
    end() {
      for (const { stage } of perJail) stage.end();
      for (const { tally } of perJail) tally.settle();
      for (const { jail, counter } of perJail) carry.keep(jail.name, withoutPlaces(counter.suspend(now - CARRY_SECONDS)));
    },
  };
}

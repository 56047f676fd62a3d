// Counts attempts, not lines: sshd logs one wrong password as PAM's line and its own, a probe for
// a user name as "Invalid user" before the password try, a user's agent offers keys that fail
// before one is accepted. Lines that describe the same attempt share a key (the process or
// session id a rule captures), and each pattern's role says how its line counts:
//   fail       counts at once; the key's pending companions are dropped as duplicates
//   companion  waits: dropped if its key logs a fail or a success, else counts once per key when
//              the key has been quiet for `horizon` seconds or at flush()
//   success    the key's pending companions are forgotten (a login that worked is no failure)
// A line without a key is related to the other keyless lines of the same IP; a fail or success
// with a key also settles that IP's keyless companions (PAM's line carries no session id).
import type { PatternRole } from './match.js';

export type AttemptInput = {
  readonly ip: string;
  /** Epoch seconds, from the line. */
  readonly time: number;
  readonly pattern: number;
  readonly line: string;
  readonly role: PatternRole;
  readonly key?: string | undefined;
};

export type AttemptHandlers<T extends AttemptInput> = {
  /** A counted attempt: a fail, or the first companion of a key that logged no fail or success. */
  readonly count: (m: T) => void;
  /** A companion forgotten because its key (or IP, for keyless lines) logged a success. */
  readonly forget?: (m: T) => void;
};

export type AttemptCounter<T extends AttemptInput> = {
  /** One match, in file order. */
  readonly feed: (m: T) => void;
  /** End of input: counts the companions still waiting. */
  readonly flush: () => void;
};

export type AttemptOptions = {
  /** Seconds a key may stay quiet before its waiting companions count (sshd's LoginGraceTime is 120). */
  readonly horizon?: number;
  /** Most keys remembered at once; the quietest are settled first beyond it. */
  readonly maxKeys?: number;
};

type Slot<T> = { pending: T[]; settled: 'fail' | 'success' | null; last: number };

const slotOf = (ip: string, key: string | undefined) => (key === undefined ? `\u0000${ip}` : `${key}\u0000${ip}`);

// Feeds matches in file order and calls `count` once per attempt; pure and synchronous.
export function createAttemptCounter<T extends AttemptInput>(handlers: AttemptHandlers<T>, opts: AttemptOptions = {}): AttemptCounter<T> {
  const horizon = opts.horizon ?? 600;
  const maxKeys = opts.maxKeys ?? 200_000;
  const slots = new Map<string, Slot<T>>();

  const settle = (slot: Slot<T>) => {
    if (slot.settled === null && slot.pending.length > 0) handlers.count(slot.pending[0]!);
  };

  const expire = (now: number) => {
    for (const [id, slot] of slots) {
      if (slot.last >= now - horizon && slots.size < maxKeys) break;
      slots.delete(id);
      settle(slot);
    }
  };

  // The slot moves to the end of the map, so the map stays ordered by last activity.
  const touch = (id: string, time: number): Slot<T> => {
    const slot = slots.get(id) ?? { pending: [], settled: null, last: time };
    slots.delete(id);
    slot.last = Math.max(slot.last, time);
    slots.set(id, slot);
    return slot;
  };

  const resolve = (slot: Slot<T> | undefined, as: 'fail' | 'success', mark: boolean) => {
    if (!slot) return;
    if (as === 'success' && handlers.forget) for (const m of slot.pending) handlers.forget(m);
    slot.pending = [];
    if (mark) slot.settled = as;
  };

  return {
    feed(m) {
      expire(m.time);
      const slot = touch(slotOf(m.ip, m.key), m.time);
      if (m.role === 'companion') {
        if (slot.settled === null) slot.pending.push(m);
        return;
      }
      const as = m.role === 'success' ? 'success' : 'fail';
      // A keyless slot only loses its waiting lines: it is never settled, so later keyless
      // companions of the IP can still count.
      resolve(slot, as, m.key !== undefined);
      if (m.key !== undefined) resolve(slots.get(slotOf(m.ip, undefined)), as, false);
      if (as === 'fail') handlers.count(m);
    },
    flush() {
      for (const slot of slots.values()) settle(slot);
      slots.clear();
    },
  };
}

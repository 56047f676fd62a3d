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

/** A key (or keyless IP) still open when a run ends, carried in the state to the next run. */
export type OpenSlot<T extends AttemptInput> = {
  readonly id: string;
  readonly keyed: boolean;
  readonly ip: string;
  readonly pending: readonly T[];
  readonly settled: 'fail' | 'success' | null;
  readonly last: number;
};

export type AttemptCounter<T extends AttemptInput> = {
  /** One match, in file order. */
  readonly feed: (m: T) => void;
  /** End of input: counts the companions still waiting. */
  readonly flush: () => void;
  /**
   * End of this run's input: keys quiet since before `before` are settled (their companions
   * count), the others are handed back to be resumed by the next run, so an attempt whose lines
   * straddle two runs still counts once.
   */
  readonly suspend: (before: number) => OpenSlot<T>[];
};

export type AttemptOptions<T extends AttemptInput = AttemptInput> = {
  /** Keys the previous run left open (see suspend). */
  readonly resume?: readonly OpenSlot<T>[];
  /** Seconds a key may stay quiet before its waiting companions count (sshd's LoginGraceTime is 120). */
  readonly horizon?: number;
  /** Most keys remembered at once; the quietest are settled first beyond it. */
  readonly maxKeys?: number;
};

type Slot<T> = { ip: string; pending: T[]; settled: 'fail' | 'success' | null; last: number };

// Feeds matches in file order and calls `count` once per attempt; pure and synchronous.
export function createAttemptCounter<T extends AttemptInput>(handlers: AttemptHandlers<T>, opts: AttemptOptions<T> = {}): AttemptCounter<T> {
  const horizon = opts.horizon ?? 600;
  const maxKeys = opts.maxKeys ?? 200_000;
  // Slots by key (a pid is one client's at a time; another IP on the same key starts afresh),
  // and the keyless slots by IP.
  const byKey = new Map<string, Slot<T>>();
  const byIp = new Map<string, Slot<T>>();
  let sweptAt = -Infinity;
  for (const o of opts.resume ?? []) {
    (o.keyed ? byKey : byIp).set(o.id, { ip: o.ip, pending: [...o.pending], settled: o.settled, last: o.last });
  }

  const settle = (slot: Slot<T>) => {
    if (slot.settled === null && slot.pending.length > 0) handlers.count(slot.pending[0]!);
  };

  // Quiet keys are settled in sweeps (every half horizon of log time, or when too many are
  // remembered), so a busy log costs one map lookup per line.
  const sweep = (now: number) => {
    for (const slots of [byKey, byIp]) {
      for (const [id, slot] of slots) {
        if (slot.last < now - horizon) {
          slots.delete(id);
          settle(slot);
        }
      }
      if (slots.size >= maxKeys / 2) {
        for (const [id, slot] of [...slots].sort((a, b) => a[1].last - b[1].last).slice(0, slots.size - Math.floor(maxKeys / 4))) {
          slots.delete(id);
          settle(slot);
        }
      }
    }
    sweptAt = now;
  };

  const touch = (slots: Map<string, Slot<T>>, id: string, ip: string, time: number): Slot<T> => {
    let slot = slots.get(id);
    if (slot !== undefined && slot.ip !== ip) {
      settle(slot);
      slot = undefined;
    }
    if (slot === undefined) slots.set(id, (slot = { ip, pending: [], settled: null, last: time }));
    else if (time > slot.last) slot.last = time;
    return slot;
  };

  const resolve = (slot: Slot<T> | undefined, as: 'fail' | 'success', mark: boolean) => {
    if (!slot) return;
    if (as === 'success' && handlers.forget) for (const m of slot.pending) handlers.forget(m);
    if (slot.pending.length > 0) slot.pending = [];
    if (mark) slot.settled = as;
  };

  return {
    feed(m) {
      if (m.time >= sweptAt + horizon / 2 || byKey.size + byIp.size >= maxKeys) sweep(m.time);
      const slot = m.key === undefined ? touch(byIp, m.ip, m.ip, m.time) : touch(byKey, m.key, m.ip, m.time);
      if (m.role === 'companion') {
        if (slot.settled === null) slot.pending.push(m);
        return;
      }
      const as = m.role === 'success' ? 'success' : 'fail';
      // A keyless slot only loses its waiting lines: it is never settled, so later keyless
      // companions of the IP can still count.
      resolve(slot, as, m.key !== undefined);
      if (m.key !== undefined) resolve(byIp.get(m.ip), as, false);
      if (as === 'fail') handlers.count(m);
    },
    flush() {
      for (const slot of byKey.values()) settle(slot);
      for (const slot of byIp.values()) settle(slot);
      byKey.clear();
      byIp.clear();
    },
    suspend(before) {
      const open: OpenSlot<T>[] = [];
      for (const [slots, keyed] of [[byKey, true], [byIp, false]] as const) {
        for (const [id, slot] of slots) {
          if (slot.last < before) settle(slot);
          else if (slot.pending.length > 0 || slot.settled !== null) open.push({ id, keyed, ...slot });
        }
        slots.clear();
      }
      return open;
    },
  };
}

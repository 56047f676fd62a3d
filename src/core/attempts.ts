// Counts attempts, not lines: sshd logs one wrong password as PAM's line and its own, a probe for
// a user name as "Invalid user" before the password try, a user's agent offers keys that fail
// before one is accepted. Lines that describe the same attempt share a key (the process or
// session id a rule captures), and each pattern's role says how its line counts:
//   fail       counts at once; the key's pending companions are dropped as duplicates
//   companion  waits: dropped if its key logs a fail or a success, else counts once per key when
//              the key has been quiet for `horizon` seconds or at flush()
//   success    the key's pending companions are forgotten (a login that worked is no failure)
// A line without a key is related to the keyless lines of the same IP and user name (PAM's line
// and Dovecot's auth lines carry no session id); a keyed fail or success also settles them.
// Lines that name different users (the rule's `user` capture) are different attempts, with or
// without a key, and a keyless companion that repeats its pattern for the same named user is that
// user's next try. A success forgives only what it certainly belongs to: its key's attempt, and the
// keyless companions of its own user name (or, when it names none, the unnamed ones of its IP).
// A fail takes what it may belong to: its user's companions and the unnamed ones (all of its IP's
// when it names no user).
import type { PatternRole } from './match.js';
import { createSweptMap } from './swept-map.js';

export type AttemptInput = {
  readonly ip: string;
  /** Epoch seconds, from the line. */
  readonly time: number;
  readonly pattern: number;
  readonly line: string;
  /** Where the line is in a log read this run (see core/evidence posOf); absent or -1: its text only. */
  readonly pos?: number;
  /** The line's length where it is (with `pos`; absent: line.length). */
  readonly length?: number;
  readonly role: PatternRole;
  readonly key?: string | undefined;
  /** The user name the line names, as written (absent or "": none). */
  readonly user?: string | undefined;
};

export type AttemptHandlers<T extends AttemptInput> = {
  /** A counted attempt: a fail, or the first companion of a key that logged no fail or success. */
  readonly count: (m: T) => void;
  /** A companion forgotten because its key (or IP and user, for keyless lines) logged a success. */
  readonly forget?: (m: T) => void;
};

/** A key (or keyless IP and user) still open when a run ends, carried in the state to the next run. */
export type OpenSlot<T extends AttemptInput> = {
  readonly id: string;
  readonly keyed: boolean;
  readonly ip: string;
  /** The folded user name of the attempt (see userKey); absent in older state files: none. */
  readonly user?: string;
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

type Slot<T> = { ip: string; user: string; pending: T[]; settled: 'fail' | 'success' | null; last: number };

// How user names are compared: Dovecot's auth process and PAM see the name after
// auth_username_format (lower case, often without the domain) while the login process writes it
// as the client typed it, so "Alice@Example.org" and "alice" are one user. "": no user named.
export function userKey(user: string | undefined): string {
  if (user === undefined) return '';
  const at = user.lastIndexOf('@');
  return (at > 0 ? user.slice(0, at) : user).toLowerCase();
}

// Feeds matches in file order and calls `count` once per attempt; pure and synchronous.
export function createAttemptCounter<T extends AttemptInput>(handlers: AttemptHandlers<T>, opts: AttemptOptions<T> = {}): AttemptCounter<T> {
  const horizon = opts.horizon ?? 600;
  const maxKeys = opts.maxKeys ?? 200_000;
  // Slots by key (a pid is one client's at a time; another IP on the same key starts afresh),
  // and the keyless slots by IP, then by user name.
  const byKey = createSweptMap<string, Slot<T>>();
  const byIp = new Map<string, Map<string, Slot<T>>>();
  let keyless = 0;
  let sweptAt = -Infinity;

  const settle = (slot: Slot<T>) => {
    if (slot.settled === null && slot.pending.length > 0) handlers.count(slot.pending[0]!);
  };
  const restart = (slot: Slot<T>, user: string) => {
    settle(slot);
    slot.pending = [];
    slot.settled = null;
    slot.user = user;
  };
  const dropKeyless = (ip: string, user: string) => {
    const users = byIp.get(ip);
    if (users?.delete(user)) keyless--;
    if (users?.size === 0) byIp.delete(ip);
  };
  for (const o of opts.resume ?? []) {
    const slot: Slot<T> = { ip: o.ip, user: o.user ?? '', pending: [...o.pending], settled: o.settled, last: o.last };
    if (o.keyed) byKey.set(o.id, slot);
    else {
      let users = byIp.get(o.id);
      if (users === undefined) byIp.set(o.id, (users = new Map()));
      if (!users.has(slot.user)) keyless++;
      users.set(slot.user, slot);
    }
  }

  // Quiet keys are settled in sweeps (every half horizon of log time, or when too many are
  // remembered), so a busy log costs one map lookup per line.
  const sweep = (now: number) => {
    for (const [id, slot] of byKey.entries()) {
      if (slot.last < now - horizon) {
        byKey.delete(id);
        settle(slot);
      }
    }
    for (const [ip, users] of byIp) {
      for (const [user, slot] of users) if (slot.last < now - horizon) { dropKeyless(ip, user); settle(slot); }
    }
    if (byKey.size() >= maxKeys / 2) {
      for (const [id, slot] of [...byKey.entries()].sort((a, b) => a[1].last - b[1].last).slice(0, byKey.size() - Math.floor(maxKeys / 4))) {
        byKey.delete(id);
        settle(slot);
      }
    }
    if (keyless >= maxKeys / 2) {
      const all = [...byIp].flatMap(([ip, users]) => [...users.values()].map((slot) => ({ ip, slot })));
      for (const { ip, slot } of all.sort((a, b) => a.slot.last - b.slot.last).slice(0, keyless - Math.floor(maxKeys / 4))) {
        dropKeyless(ip, slot.user);
        settle(slot);
      }
    }
    byKey.compact();
    sweptAt = now;
  };

  const touchKey = (id: string, ip: string, time: number): Slot<T> => {
    let slot = byKey.get(id);
    if (slot !== undefined && slot.ip !== ip) {
      settle(slot);
      slot = undefined;
    }
    if (slot === undefined) byKey.set(id, (slot = { ip, user: '', pending: [], settled: null, last: time }));
    else if (time > slot.last) slot.last = time;
    return slot;
  };

  const touchKeyless = (ip: string, user: string, time: number): Slot<T> => {
    let users = byIp.get(ip);
    if (users === undefined) byIp.set(ip, (users = new Map()));
    let slot = users.get(user);
    if (slot === undefined) {
      users.set(user, (slot = { ip, user, pending: [], settled: null, last: time }));
      keyless++;
    } else if (time > slot.last) slot.last = time;
    return slot;
  };

  const resolve = (slot: Slot<T> | undefined, as: 'fail' | 'success', mark: boolean) => {
    if (!slot) return;
    if (as === 'success' && handlers.forget) for (const m of slot.pending) handlers.forget(m);
    if (slot.pending.length > 0) slot.pending = [];
    if (mark) slot.settled = as;
  };

  // The keyless slots of an IP that a fail or success of `user` settles (see the header).
  const keylessOf = (ip: string, user: string, as: 'fail' | 'success'): Slot<T>[] => {
    const users = byIp.get(ip);
    if (users === undefined) return [];
    if (as === 'fail' && user === '') return [...users.values()];
    const own = users.get(user);
    const unnamed = as === 'fail' ? users.get('') : undefined;
    return [own, unnamed].filter((s): s is Slot<T> => s !== undefined);
  };

  return {
    feed(m) {
      if (m.time >= sweptAt + horizon / 2 || byKey.size() + keyless >= maxKeys) sweep(m.time);
      const user = userKey(m.user);
      const keyed = m.key !== undefined;
      const slot = keyed ? touchKey(m.key!, m.ip, m.time) : touchKeyless(m.ip, user, m.time);
      // Another named user on the same key is another attempt: the waiting one is settled first.
      if (keyed && user !== '' && slot.user !== '' && user !== slot.user) restart(slot, user);
      if (m.role === 'companion') {
        // Without a key, the same message again for the same named user is that user's next try
        // (a key's attempt holds its repeats: sshd's offered keys, ProFTPD's PAM lines).
        if (!keyed && user !== '' && slot.settled === null && slot.pending.some((p) => p.pattern === m.pattern)) restart(slot, user);
        if (slot.settled === null) {
          slot.pending.push(m);
          if (slot.user === '') slot.user = user;
        }
        return;
      }
      const as = m.role === 'success' ? 'success' : 'fail';
      // A keyless slot only loses its waiting lines: it is never settled, so later keyless
      // companions of the IP can still count.
      resolve(slot, as, keyed);
      if (keyed && slot.user === '') slot.user = user;
      for (const other of keylessOf(m.ip, user, as)) if (other !== slot) resolve(other, as, false);
      if (as === 'fail') handlers.count(m);
    },
    flush() {
      for (const slot of byKey.values()) settle(slot);
      for (const users of byIp.values()) for (const slot of users.values()) settle(slot);
      byKey.clear();
      byIp.clear();
      keyless = 0;
    },
    suspend(before) {
      const open: OpenSlot<T>[] = [];
      const keep = (id: string, keyed: boolean, slot: Slot<T>) => {
        if (slot.last < before) settle(slot);
        else if (slot.pending.length > 0 || slot.settled !== null) {
          const { user, ...rest } = slot;
          open.push({ id, keyed, ...rest, ...(user !== '' ? { user } : {}) });
        }
      };
      for (const [id, slot] of byKey.entries()) keep(id, true, slot);
      for (const [ip, users] of byIp) for (const slot of users.values()) keep(ip, false, slot);
      byKey.clear();
      byIp.clear();
      keyless = 0;
      return open;
    },
  };
}

// Some lines of a connection name no address: OpenSSH 8.2+ writes "kex_exchange_identification:
// Connection closed by remote host" before "Connection closed by ADDR port N", OpenSSH 6.x writes
// "Read from socket failed" with the address only on LogLevel VERBOSE's "Connection from ADDR"
// before it. Such a line (role `unaddressed`) takes the address of another line of its key (the
// pid), written before or after it; a line that only names the address (role `address`) counts
// nothing. The attempt counter then sees an ordinary companion with that address, so a
// connection still counts once. An address is trusted for `window` seconds of log time around
// the line (a pid is one connection's for its LoginGraceTime, 120 s by default): a line whose key
// names no address within it is never counted, since no address may be guessed.
import type { AttemptCounter, AttemptInput } from './attempts.js';

export type AddressRelay<T extends AttemptInput> = {
  /** A matched line with an address (fail, companion, success): fed to the counter; it names its key's address too. */
  readonly feed: (m: T) => void;
  /** A line that only names its key's address. */
  readonly lend: (key: string, ip: string, time: number) => void;
  /** A line of `key` that names no address: fed to the counter as soon as its key's address is known. */
  readonly borrow: (m: T, key: string) => void;
};

export type AddressRelayOptions<T extends AttemptInput> = {
  /** Seconds of log time an address of a key is trusted before and after it is written. */
  readonly window?: number;
  /** Most keys remembered at once; the oldest are forgotten first beyond it. */
  readonly maxKeys?: number;
  /** The line with its address (default: a copy). */
  readonly withIp?: (m: T, ip: string) => T;
};

// Lines of one key that wait for its address; a connection writes a handful at most.
const MAX_WAITING = 16;

// Puts address-less lines between the matcher and the attempt counter; pure and synchronous.
export function createAddressRelay<T extends AttemptInput>(counter: AttemptCounter<T>, opts: AddressRelayOptions<T> = {}): AddressRelay<T> {
  const window = opts.window ?? 120;
  const maxKeys = opts.maxKeys ?? 100_000;
  const withIp = opts.withIp ?? ((m: T, ip: string): T => ({ ...m, ip }));
  const known = new Map<string, { ip: string; time: number }>();
  const waiting = new Map<string, T[]>();
  let sweptAt = -Infinity;

  // Addresses and waiting lines older than the window are dropped in sweeps (every half window
  // of log time, or when too many keys are remembered); Maps keep insertion order, oldest first.
  const sweep = (now: number) => {
    for (const [key, k] of known) if (k.time < now - window || known.size > maxKeys) known.delete(key);
    for (const [key, w] of waiting) if (w[w.length - 1]!.time < now - window || waiting.size > maxKeys) waiting.delete(key);
    sweptAt = now;
  };
  const tick = (time: number) => {
    if (time >= sweptAt + window / 2 || known.size + waiting.size > maxKeys) sweep(time);
  };

  const learn = (key: string, ip: string, time: number) => {
    const w = waiting.get(key);
    if (w !== undefined) {
      waiting.delete(key);
      for (const m of w) if (m.time >= time - window) counter.feed(withIp(m, ip));
    }
    known.delete(key);
    known.set(key, { ip, time });
  };

  return {
    feed(m) {
      tick(m.time);
      if (m.key !== undefined) learn(m.key, m.ip, m.time);
      counter.feed(m);
    },
    lend(key, ip, time) {
      tick(time);
      learn(key, ip, time);
    },
    borrow(m, key) {
      tick(m.time);
      const k = known.get(key);
      if (k !== undefined && k.time >= m.time - window) {
        counter.feed(withIp(m, k.ip));
        return;
      }
      const w = waiting.get(key);
      if (w === undefined) waiting.set(key, [m]);
      else if (w.length < MAX_WAITING) w.push(m);
    },
  };
}

// A Map for keys that come and go by the thousand (the attempt counter's connections). V8 shrinks
// a Map's table when a deletion leaves it under half full and grows it again as keys come back,
// so a table swept every few thousand lines was copied again and again, and a big table is made
// straight in the old generation: on a first scan of a big log that churn was most of what filled
// the heap. Here a deleted key stays as a hole until the holes outnumber the live keys; then
// compact() makes the table anew once. Keys keep a Map's order.

export type SweptMap<K, V> = {
  readonly get: (key: K) => V | undefined;
  readonly set: (key: K, value: V) => void;
  readonly delete: (key: K) => void;
  /** Live keys. */
  readonly size: () => number;
  readonly entries: () => IterableIterator<[K, V]>;
  readonly values: () => IterableIterator<V>;
  readonly clear: () => void;
  /** Drops the holes when they outnumber the live keys (call it between passes over the entries). */
  readonly compact: () => void;
};

/** Holes kept in any case: a small table is never made anew. */
const MIN_HOLES = 1024;

export function createSweptMap<K, V>(): SweptMap<K, V> {
  let map = new Map<K, V | undefined>();
  let holes = 0;
  function* entries(): IterableIterator<[K, V]> {
    for (const [k, v] of map) if (v !== undefined) yield [k, v];
  }
  function* values(): IterableIterator<V> {
    for (const v of map.values()) if (v !== undefined) yield v;
  }
  return {
    get: (key) => map.get(key),
    set(key, value) {
      // A key set again after its deletion goes last, as in a Map (the order keys are swept and settled in).
      if (map.get(key) === undefined && map.has(key)) {
        map.delete(key);
        holes--;
      }
      map.set(key, value);
    },
    delete(key) {
      if (map.get(key) === undefined) return;
      map.set(key, undefined);
      holes++;
    },
    size: () => map.size - holes,
    entries,
    values,
    clear() {
      map = new Map();
      holes = 0;
    },
    compact() {
      if (holes < MIN_HOLES || holes <= map.size - holes) return;
      map = new Map(entries());
      holes = 0;
    },
  };
}

import { grown } from './times-pool.js';
import { ownString } from './own-string.js';

/**
 * What a classified line is, as one byte: the verdict kinds of matchLine (core/match) that a
 * reader of a batch acts on. A miss is never written: the line is only counted.
 */
export const HIT = { match: 0, companion: 1, success: 2, address: 3, unaddressed: 4, ignored: 5 } as const;
export type HitKind = (typeof HIT)[keyof typeof HIT];

/**
 * The lines of a text that matched, one record a line in typed columns: a batch crosses from a
 * worker thread to the main thread as a few buffers instead of an object per line, and costs the
 * same on one thread. Strings (addresses, keys, user names, kept texts) are plain arrays
 * (undefined: none).
 */
export type HitBatch = {
  readonly count: number;
  readonly jail: Uint8Array;
  readonly kind: Uint8Array;
  readonly pattern: Uint16Array;
  /** The line's number among the lines of the classified text, from 1. */
  readonly lineNo: Float64Array;
  /** Where the line starts in its file (bytes), -1 when its text is not its bytes one for one. */
  readonly offset: Float64Array;
  /** The line's length (characters, one byte each when `offset` is known). */
  readonly length: Uint32Array;
  readonly ip: readonly (string | undefined)[];
  readonly key: readonly (string | undefined)[];
  readonly user: readonly (string | undefined)[];
  /** The line's text, for lines a reader keeps as text (see ClassifyOptions.keepText). */
  readonly text: readonly (string | undefined)[];
  /** Epoch seconds read from the line (NaN: no date found). */
  readonly time: Float64Array;
  /** Which date format read it (its index in DATE_PATTERNS), -1: none. */
  readonly template: Int8Array;
};

export type HitBuilder = {
  readonly add: (jail: number, kind: HitKind, pattern: number, lineNo: number, offset: number, length: number,
    ip: string | undefined, key: string | undefined, user: string | undefined, text: string | undefined, time: number, template: number) => void;
  readonly size: () => number;
  /** The records so far as a batch (trimmed copies); the builder starts again empty. */
  readonly take: () => HitBatch;
};

const FIRST = 4096;

/** The number columns of a batch, and the same for a packed one. */
type Numbers = Pick<HitBatch, 'jail' | 'kind' | 'pattern' | 'lineNo' | 'offset' | 'length' | 'time' | 'template'>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
const NUMBER_COLUMNS = ['jail', 'kind', 'pattern', 'lineNo', 'offset', 'length', 'time', 'template'] as const;

const emptyNumbers = (): Mutable<Numbers> => ({
  jail: new Uint8Array(FIRST), kind: new Uint8Array(FIRST), pattern: new Uint16Array(FIRST), lineNo: new Float64Array(FIRST),
  offset: new Float64Array(FIRST), length: new Uint32Array(FIRST), time: new Float64Array(FIRST), template: new Int8Array(FIRST),
});

// Each number column with room for `n` records.
function growNumbers(c: Mutable<Numbers>, n: number): void {
  for (const k of NUMBER_COLUMNS) (c as Record<string, Numbers[typeof k]>)[k] = grown(c[k], n);
}

// Records [from, to) of each number column: copies (their own buffers, to hand to another thread) or views.
function numbersOf(c: Numbers, from: number, to: number, copy: boolean): Numbers {
  return Object.fromEntries(NUMBER_COLUMNS.map((k) => [k, copy ? c[k].slice(from, to) : c[k].subarray(from, to)])) as unknown as Numbers;
}

// Collects records into growing columns; `take` hands them over and starts a new batch.
export function createHitBuilder(): HitBuilder {
  let n = 0;
  const c = emptyNumbers();
  let ip: (string | undefined)[] = [];
  let key: (string | undefined)[] = [];
  let user: (string | undefined)[] = [];
  let text: (string | undefined)[] = [];
  return {
    add(j, k, p, l, o, len, a, kk, u, t, tm, tp) {
      if (n >= c.kind.length) growNumbers(c, n + 1);
      c.jail[n] = j; c.kind[n] = k; c.pattern[n] = p; c.lineNo[n] = l; c.offset[n] = o; c.length[n] = len; c.time[n] = tm; c.template[n] = tp;
      ip.push(a); key.push(kk); user.push(u); text.push(t);
      n++;
    },
    size: () => n,
    take() {
      const batch: HitBatch = { count: n, ...numbersOf(c, 0, n, true), ip, key, user, text };
      n = 0;
      ip = []; key = []; user = []; text = [];
      return batch;
    },
  };
}

/** The buffers of a batch, for handing it to another thread without a copy. */
function batchBuffers(b: HitBatch): ArrayBuffer[] {
  return [b.jail, b.kind, b.pattern, b.lineNo, b.offset, b.length, b.time, b.template]
    .map((a) => a.buffer as ArrayBuffer);
}

/**
 * A batch as it crosses threads. Addresses and user names repeat: each is once in `table`, and
 * `ip` and `user` are numbers into it (-1: none). Keys and kept texts seldom repeat: they are
 * written one after another into `keys` and `texts`, each record's at its `…At` (-1: none) for its
 * `…Length` characters.
 */
export type PackedBatch = Omit<HitBatch, 'ip' | 'key' | 'user' | 'text'> & {
  readonly table: readonly string[]; readonly ip: Int32Array; readonly user: Int32Array;
  readonly keys: string; readonly keyAt: Int32Array; readonly keyLength: Uint32Array;
  readonly texts: string; readonly textAt: Int32Array; readonly textLength: Uint32Array;
};

export type BatchPacker = {
  /** Appends a batch's records. */
  readonly add: (b: HitBatch) => void;
  /** Everything added, as one packed batch (trimmed copies). */
  readonly result: () => PackedBatch;
};

// A part's records packed as they come, in typed columns: no column is a JS array that grows with
// the part (a worker's part holds 50k+ records, and such arrays outlived its young generation).
export function createBatchPacker(): BatchPacker {
  const table: string[] = [];
  const ids = new Map<string, number>();
  let n = 0;
  const c = emptyNumbers();
  let ip = new Int32Array(FIRST);
  let user = new Int32Array(FIRST);
  const keys = createRun();
  const texts = createRun();
  const idOf = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let id = ids.get(s);
    if (id === undefined) { id = table.length; table.push(s); ids.set(s, id); }
    return id;
  };
  return {
    add(b) {
      const m = n + b.count;
      growNumbers(c, m);
      ip = grown(ip, m); user = grown(user, m);
      for (const k of NUMBER_COLUMNS) c[k].set(b[k].subarray(0, b.count) as never, n);
      for (let i = 0; i < b.count; i++) {
        ip[n + i] = idOf(b.ip[i]); user[n + i] = idOf(b.user[i]);
      }
      keys.add(b.key, b.count, n);
      texts.add(b.text, b.count, n);
      n = m;
    },
    result: () => {
      const k = keys.result(n);
      const t = texts.result(n);
      return {
        count: n, table, ...numbersOf(c, 0, n, true), ip: ip.slice(0, n), user: user.slice(0, n),
        keys: k.chars, keyAt: k.at, keyLength: k.length, texts: t.chars, textAt: t.at, textLength: t.length,
      };
    },
  };
}

// Strings of a column written one after another: where each starts (-1: none) and how long it is.
function createRun() {
  let at = new Int32Array(FIRST);
  let length = new Uint32Array(FIRST);
  const chunks: string[] = [];
  let size = 0;
  return {
    add(values: readonly (string | undefined)[], count: number, n: number) {
      at = grown(at, n + count);
      length = grown(length, n + count);
      const parts: string[] = [];
      for (let i = 0; i < count; i++) {
        const v = values[i];
        if (v === undefined) { at[n + i] = -1; continue; }
        at[n + i] = size;
        length[n + i] = v.length;
        size += v.length;
        parts.push(v);
      }
      if (parts.length > 0) chunks.push(parts.join(''));
    },
    result: (n: number) => ({ chars: chunks.join(''), at: at.slice(0, n), length: length.slice(0, n) }),
  };
}

export function packBatch(b: HitBatch): PackedBatch {
  const packer = createBatchPacker();
  packer.add(b);
  return packer.result();
}

// Records [from, to) of a packed batch as a batch of their own (a part is handed on in slices, so
// no string column of a whole part is ever made).
export function unpackBatch(p: PackedBatch, from = 0, to = p.count): HitBatch {
  const column = (ids: Int32Array): (string | undefined)[] => {
    const out: (string | undefined)[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = ids[i]! < 0 ? undefined : p.table[ids[i]!];
    return out;
  };
  // Copies, not slices: a key or a text may be held long after the part's string is gone.
  const run = (chars: string, at: Int32Array, length: Uint32Array): (string | undefined)[] => {
    const out: (string | undefined)[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = at[i]! < 0 ? undefined : ownString(chars.slice(at[i]!, at[i]! + length[i]!));
    return out;
  };
  return {
    count: to - from, ...numbersOf(p, from, to, false), ip: column(p.ip), user: column(p.user),
    key: run(p.keys, p.keyAt, p.keyLength), text: run(p.texts, p.textAt, p.textLength),
  };
}

/** Records a slice of a packed batch holds at most (see unpackSlices). */
export const SLICE_RECORDS = 1024;

// A packed batch as batches of SLICE_RECORDS records, in order.
export function* unpackSlices(p: PackedBatch): Generator<HitBatch> {
  for (let from = 0; from < p.count; from += SLICE_RECORDS) yield unpackBatch(p, from, Math.min(p.count, from + SLICE_RECORDS));
}

/** The buffers of a packed batch, for handing it to another thread without a copy. */
export function packedBuffers(p: PackedBatch): ArrayBuffer[] {
  return [...batchBuffers(p as unknown as HitBatch), p.ip.buffer, p.user.buffer, p.keyAt.buffer, p.keyLength.buffer, p.textAt.buffer, p.textLength.buffer] as ArrayBuffer[];
}

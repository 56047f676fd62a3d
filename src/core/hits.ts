import { grown } from './times-pool.js';

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

// Collects records into growing columns; `take` hands them over and starts a new batch.
export function createHitBuilder(): HitBuilder {
  let n = 0;
  let jail = new Uint8Array(FIRST);
  let kind = new Uint8Array(FIRST);
  let pattern = new Uint16Array(FIRST);
  let lineNo = new Float64Array(FIRST);
  let offset = new Float64Array(FIRST);
  let length = new Uint32Array(FIRST);
  let ip: (string | undefined)[] = [];
  let key: (string | undefined)[] = [];
  let user: (string | undefined)[] = [];
  let text: (string | undefined)[] = [];
  let time = new Float64Array(FIRST);
  let template = new Int8Array(FIRST);
  const grow = () => {
    const m = n + 1;
    jail = grown(jail, m); kind = grown(kind, m); pattern = grown(pattern, m); lineNo = grown(lineNo, m);
    offset = grown(offset, m); length = grown(length, m); time = grown(time, m); template = grown(template, m);
  };
  return {
    add(j, k, p, l, o, len, a, kk, u, t, tm, tp) {
      if (n >= kind.length) grow();
      jail[n] = j; kind[n] = k; pattern[n] = p; lineNo[n] = l; offset[n] = o; length[n] = len;
      ip.push(a); key.push(kk); user.push(u); text.push(t); time[n] = tm; template[n] = tp;
      n++;
    },
    size: () => n,
    take() {
      const batch: HitBatch = {
        count: n, jail: jail.slice(0, n), kind: kind.slice(0, n), pattern: pattern.slice(0, n), lineNo: lineNo.slice(0, n),
        offset: offset.slice(0, n), length: length.slice(0, n), ip, key, user, text, time: time.slice(0, n), template: template.slice(0, n),
      };
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

/** A batch as it crosses threads: its strings once each in `table`, the string columns as numbers into it (-1: none). */
export type PackedBatch = Omit<HitBatch, 'ip' | 'user'> & {
  readonly table: readonly string[]; readonly ip: Int32Array; readonly user: Int32Array;
};

// An address or a user name repeats on many lines: sent once, it is copied and freed once. Keys
// (a pid, a session id) and kept texts seldom repeat: they cross as they are.
export function packBatch(b: HitBatch): PackedBatch {
  const table: string[] = [];
  const ids = new Map<string, number>();
  const column = (values: readonly (string | undefined)[]): Int32Array => {
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const s = values[i];
      if (s === undefined) { out[i] = -1; continue; }
      let id = ids.get(s);
      if (id === undefined) { id = table.length; table.push(s); ids.set(s, id); }
      out[i] = id;
    }
    return out;
  };
  return { ...b, table, ip: column(b.ip), user: column(b.user) };
}

export function unpackBatch(p: PackedBatch): HitBatch {
  const column = (ids: Int32Array): (string | undefined)[] => {
    const out: (string | undefined)[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = ids[i]! < 0 ? undefined : p.table[ids[i]!];
    return out;
  };
  return { ...p, ip: column(p.ip), user: column(p.user) };
}

/** The buffers of a packed batch, for handing it to another thread without a copy. */
export function packedBuffers(p: PackedBatch): ArrayBuffer[] {
  return [...batchBuffers(p as unknown as HitBatch), p.ip.buffer, p.user.buffer] as ArrayBuffer[];
}

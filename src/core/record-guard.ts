import { ownString } from './own-string.js';

/**
 * A daemon that writes client text raw, newlines included (nginx's error log, MariaDB's error
 * file), lets a client put whole forged lines into its log: one record of the daemon's then spans
 * several lines, and the lines inside it are the client's, whatever they look like. A guard says
 * how the daemon's records look, so that the lines of a record known to be cut open never count.
 */
export type RecordGuard = {
  readonly name: string;
  /** A line that starts a record (the daemon's date and level); tested on each line. */
  readonly head: RegExp;
  /** A character every head holds and other logs seldom do: a text without it is skipped at once. */
  readonly headChar?: string;
  /** The longest record the daemon writes, in bytes with its newline (it cuts longer ones). */
  readonly maxRecord: number;
  /** A head line whose client field is still open at its end: the record goes on below it. */
  readonly opensField?: RegExp;
  /** Words a line must hold before `opensField` is tried (a cheap test). */
  readonly opensFieldWord?: string;
  /** A line whose daemon-written part shows that the record held a newline (nginx's request
   *  line with %0A): it ends the record, which started at most maxRecord bytes before. */
  readonly newlineEvidence?: RegExp;
  readonly newlineEvidenceWord?: string;
  /** How far past the start of a continuation line its record may still go (default maxRecord). */
  readonly followMax?: number;
  /**
   * Proves where a record ends: for a line that holds the daemon's own copy of the client field
   * (nginx's percent-encoded request line), how many lines before it the record started, checked
   * line by line against that copy; -1 when it cannot be proved. `prev(k)` is the k-th line above.
   */
  readonly verify?: (line: string, prev: (k: number) => string | undefined) => number;
  /** Whether a record `verify` proved is the daemon's whole record with the address it wrote, so
   *  that its lines joined into one are matched as one line (a basic-auth failure whose user
   *  name held a newline is still the client's failed login). */
  readonly joinable?: (line: string, prev: (k: number) => string | undefined) => boolean;
};

/** Offsets in the text handed over: a line that starts inside [from, to) never counts. */
export type Taint = readonly (readonly [number, number])[];

/** A proved record's lines joined into one (newlines as spaces), matched in their place; `at` is
 *  the offset of its first line in the text handed over. */
export type Joined = { readonly at: number; readonly line: string };

/** Tells, for line starts given in increasing order, whether a line is tainted. */
export function createTaintCursor(taint: Taint): (start: number) => boolean {
  let i = 0;
  return (start) => {
    while (i < taint.length && taint[i]![1] <= start) i++;
    return i < taint.length && taint[i]![0] <= start;
  };
}

export type GuardStage = {
  readonly write: (text: string) => void;
  /** The source is read to its end: what was held back is handed over. */
  readonly end: () => void;
};

const REPLACEMENT = /\uFFFD/g;

// Whether a line may be exactly `bytes` long in the file: an invalid byte was decoded as U+FFFD
// (1 byte then, 3 for a real U+FFFD).
function mayBeBytes(line: string, bytes: number): boolean {
  if (line.length > bytes || line.length * 4 < bytes) return false;
  const b = Buffer.byteLength(line);
  const k = line.includes('\uFFFD') ? line.match(REPLACEMENT)!.length : 0;
  return b - 2 * k <= bytes && bytes <= b;
}

/** A taint and the line that caused it: a record proved complete replaces what its lines caused. */
type Range = { from: number; to: number; source: number; proved: boolean; join?: boolean };

type Scanned = { readonly start: number; readonly text: string };

// Reads the new lines of one guard's stream and adds their taints (absolute offsets).
function createScanner(guard: RecordGuard, add: (r: Range) => void, drop: (from: number, to: number) => void) {
  const w = guard.maxRecord;
  const follow = guard.followMax ?? w;
  const anyHead = new RegExp(guard.head.source, 'm');
  let lastHead = -Infinity;
  // The lines of the last w characters or so, for `verify` to look back on.
  let recent: Scanned[] = [];
  // A log of another kind (an access log read by a rule that reads both): no record of this
  // daemon's is near, so no line of the text can be inside one.
  // (Then the lines looked back on are dropped too: the next ones do not follow them.)
  const quiet = (text: string, base: number) => {
    if (lastHead >= base - w || ((guard.headChar === undefined || text.includes(guard.headChar)) && anyHead.test(text))) return false;
    recent = [];
    return true;
  };
  const scan = (text: string, base: number) => {
    if (quiet(text, base)) return;
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      const at = base + start;
      const lineEnd = base + end + 1;
      const head = guard.head.test(line);
      const proved = guard.verify ? guard.verify(line, (k) => recent[recent.length - k]?.text) : -1;
      if (proved >= 0 && recent.length >= proved) {
        // The record is known line by line: exactly those lines are the client's, nothing around them.
        const first = proved === 0 ? at : recent[recent.length - proved]!.start;
        drop(first, at);
        add({ from: first, to: lineEnd, source: at, proved: true, ...(guard.joinable?.(line, (k) => recent[recent.length - k]?.text) ? { join: true } : {}) });
      } else if (head) {
        // A record the daemon cut at its limit: its end is whatever the client wrote there.
        if (line.length * 4 >= w - 1 && mayBeBytes(line.endsWith('\r') ? line.slice(0, -1) : line, w - 1)) add({ from: at, to: lineEnd, source: at, proved: false });
        if (guard.opensField && (guard.opensFieldWord === undefined || line.includes(guard.opensFieldWord)) && guard.opensField.test(line)) add({ from: at, to: at + w, source: at, proved: false });
      } else if (at - lastHead < w) {
        // A continuation: the record it belongs to started at a head at most w before its end and
        // may go on up to w after the last head before it (and no further than `follow` past it).
        add({ from: lineEnd - w, to: Math.min(lastHead + w, at + follow), source: at, proved: false });
      }
      if (proved < 0 && guard.newlineEvidence && (guard.newlineEvidenceWord === undefined || line.includes(guard.newlineEvidenceWord)) && guard.newlineEvidence.test(line)) {
        add({ from: lineEnd - w, to: lineEnd, source: at, proved: false });
      }
      if (head) lastHead = at;
      recent.push({ start: at, text: line });
      while (recent.length > 1 && recent[0]!.start < at - 2 * w) recent.shift();
      start = end + 1;
    }
  };
  return { scan, quiet };
}

// Holds back the lines of the last maxRecord bytes (a continuation below them may taint them),
// and hands the rest over with its taint. Offsets are relative to each text handed over; `at`
// is where that text starts in all the text written.
export function createGuardStage(guards: readonly RecordGuard[], onText: (text: string, taint: Taint, joined: readonly Joined[], at: number) => void): GuardStage {
  if (guards.length === 0) {
    let written = 0;
    return { write: (text) => { onText(text, [], [], written); written += text.length; }, end: () => {} };
  }
  const hold = Math.max(...guards.map((g) => g.maxRecord));
  let held = '';
  let base = 0; // absolute offset of held[0]
  let scanned = 0; // absolute offset up to which lines were scanned
  let ranges: Range[] = [];
  const add = (r: Range) => { ranges.push(r); };
  // What the lines of a proved record caused before it was proved: the record replaces it. (A
  // record proved inside a longer one a client cut open is still covered by that one's own end:
  // nginx's request line with its %0A, or the text where nginx cut it.)
  const drop = (from: number, to: number) => {
    ranges = ranges.filter((r) => r.proved || r.source < from || r.source > to);
  };
  const scanners = guards.map((g) => createScanner(g, add, drop));
  // A joined record counts only where nothing else marks its lines: inside a longer record a client
  // cut open, it is the client's text like the rest.
  const joins = (upTo: number): Joined[] => {
    const out: Joined[] = [];
    for (const r of ranges) {
      if (!r.join || r.from < base || r.to > upTo) continue;
      if (ranges.some((o) => o !== r && o.from < r.to && r.from < o.to)) continue;
      out.push({ at: r.from - base, line: held.slice(r.from - base, r.to - base - 1).replace(/\r?\n/g, ' ') });
    }
    return out;
  };
  const release = (upTo: number) => {
    // upTo: absolute offset just after a newline, or the end of the text.
    const text = held.slice(0, upTo - base);
    const merged = merge(ranges.map((r) => [r.from, r.to] as [number, number]));
    const taint: [number, number][] = [];
    for (const [a, b] of merged) if (b > base && a < upTo) taint.push([Math.max(a, base) - base, Math.min(b, upTo) - base]);
    const joined = joins(upTo);
    const at = base;
    held = ownString(held.slice(upTo - base));
    base = upTo;
    // A range may still be dropped by a record proved later, so it is kept while its source is held.
    ranges = ranges.filter((r) => r.to > base || r.source >= base - hold);
    if (text !== '') onText(text, taint, joined.map((j) => ({ at: j.at, line: ownString(j.line) })), at);
  };
  return {
    write(text) {
      if (text === '') return;
      // The usual case for a log of another kind: nothing held, nothing marked, no record near.
      if (held === '' && ranges.length === 0 && scanners.every((sc) => sc.quiet(text, scanned))) {
        const at = base;
        base += text.length;
        scanned = base;
        onText(text, [], [], at);
        return;
      }
      const from = scanned - base;
      held += text;
      const fresh = held.slice(from);
      for (const sc of scanners) sc.scan(fresh, scanned);
      scanned = base + held.length;
      // Lines that start more than maxRecord before the end can no longer be tainted by what follows.
      const limit = held.length - hold;
      if (limit <= 0) return;
      const cut = held.lastIndexOf('\n', limit - 1);
      if (cut < 0) return;
      // A joinable record is handed over whole, in one text.
      let upTo = base + cut + 1;
      for (const r of ranges) if (r.join && r.from < upTo && upTo < r.to) upTo = Math.min(upTo, r.from);
      if (upTo > base) release(upTo);
    },
    end() {
      release(base + held.length);
    },
  };
}

function merge(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

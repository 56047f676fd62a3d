// Reads one big plain file on several threads: the file is cut at line starts into parts, worker
// threads classify the parts (io/match-worker), and the main thread takes their records in file
// order, so whatever counts them sees the lines exactly as a one-thread read would.
import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { MAX_LINE_BYTES } from './lines.js';
import type { MatchSetup, SegmentJob, SegmentResult, WorkerReply } from './match-job.js';
import type { ReadOutcome } from './reader.js';

// A worker holds one part's records and its compiled patterns; almost all it makes dies young.
// A small young generation (8 MiB, collected often) keeps each worker's memory small: `test` over
// 1 GiB on 2 threads peaked at 225 MiB instead of 285 MiB, 8 % slower. The old-generation cap only
// bounds a pathological part (a part's counts of many distinct addresses for `stats`).
const WORKER_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

/** Parts of at most this many bytes: a few of them in flight bound what waits to be counted. */
const SEGMENT_BYTES = 8 << 20;

export type PoolFile = { readonly path: string; readonly dev: number; readonly ino: number; readonly from: number; readonly to: number };

/** What a one-thread read of the same bytes reports (io/reader), and how many parts they were cut into. */
export type PoolOutcome = ReadOutcome & { readonly parts: number };

// Where to cut [from, to) into about `parts` pieces: each cut just after a newline, none inside a
// line (a cut that finds no newline within an over-long line's reach is dropped).
export function cutPoints(fd: number, from: number, to: number, parts: number): number[] {
  const cuts = [from];
  const step = Math.max(1, Math.ceil((to - from) / parts));
  const buf = Buffer.alloc(2 * MAX_LINE_BYTES);
  for (let want = from + step; want < to; want += step) {
    if (want <= cuts[cuts.length - 1]!) continue;
    let n: number;
    try {
      n = readSync(fd, buf, 0, Math.min(buf.length, to - want + 1), want - 1);
    } catch {
      continue; // a failing disk: no cut here; the part's own read meets the error and says where
    }
    const nl = buf.subarray(0, n).indexOf(10);
    if (nl < 0) continue;
    const at = want - 1 + nl + 1;
    if (at > cuts[cuts.length - 1]! && at < to) cuts.push(at);
  }
  cuts.push(to);
  return cuts;
}

function workerUrl(): URL {
  // The pool is bundled into a chunk (dist/chunks/) or the entry itself; the worker is an entry of dist/.
  return new URL(import.meta.url.includes('/chunks/') ? '../match-worker.mjs' : './match-worker.mjs', import.meta.url);
}

// Classifies `file` on `threads` workers and calls `onPart` with each part's result in file order,
// and the bytes it read since the part before (a progress bar). A part that ended early (a failed
// read, a file that shrank) is the last one taken.
export async function classifyOnThreads(file: PoolFile, setup: MatchSetup, threads: number, onPart: (r: SegmentResult, bytes: number) => void, segmentBytes = SEGMENT_BYTES): Promise<PoolOutcome> {
  const fd = openSync(file.path, 'r');
  let cuts: number[];
  try {
    cuts = cutPoints(fd, file.from, file.to, Math.max(threads * 4, Math.ceil((file.to - file.from) / segmentBytes)));
  } finally {
    closeSync(fd);
  }
  const jobs: SegmentJob[] = cuts.slice(0, -1).map((from, seg) => ({ seg, path: file.path, dev: file.dev, ino: file.ino, from, to: cuts[seg + 1]! }));
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(workerUrl(), { workerData: setup, resourceLimits: WORKER_LIMITS }));
  const done = new Map<number, SegmentResult>();
  let next = 0;
  let taken = 0;
  let lines = 0;
  let longLines = 0;
  let last: SegmentResult | undefined;
  // Each worker has two parts in hand, so it goes on with the second while the main thread counts
  // (with one, a worker that finished waited for the main thread to be free to give it the next).
  const ahead = 3 * workers.length;
  try {
    await new Promise<void>((resolve, reject) => {
      let stopped = false;
      // One call a free place in a worker's hands (`idle` holds a worker once per free place).
      const give = (w: Worker) => {
        if (!stopped && next < jobs.length && next - taken < ahead) w.postMessage(jobs[next++]!);
        else idle.push(w);
      };
      const idle: Worker[] = [];
      const drain = () => {
        // After a part that ended early, nothing more is taken or given (a reply may still be on its way).
        if (stopped) return;
        for (let r = done.get(taken); r !== undefined; r = done.get(taken)) {
          done.delete(taken);
          taken++;
          onPart(r, r.endOffset - (last?.endOffset ?? file.from));
          lines += r.lines;
          longLines += r.longLines;
          last = r;
          if (r.failure || r.endOffset < jobs[r.seg]!.to) { stopped = true; resolve(); return; }
        }
        while (idle.length > 0 && next < jobs.length && next - taken < ahead) give(idle.pop()!);
        if (taken === jobs.length) resolve();
      };
      for (const w of workers) {
        w.on('message', (reply: WorkerReply) => {
          if (!reply.ok) { reject(new Error(`${file.path}: ${reply.error}`)); return; }
          done.set(reply.result.seg, reply.result);
          give(w);
          try { drain(); } catch (e) { reject(e); }
        });
        w.on('error', (e) => reject(new Error(`${file.path}: a reading thread failed (${e.message})`)));
        give(w);
        give(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const end = last as SegmentResult | undefined;
  return {
    parts: jobs.length, lines, longLines, endOffset: end?.endOffset ?? file.from, ...(end?.inLongLine ? { inLongLine: true } : {}),
    ...(end?.failure ? { failure: end.failure } : {}),
  };
}

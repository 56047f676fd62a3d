// A worker thread of io/match-pool: it reads the parts of a file it is given and classifies their
// lines (core/classify), handing the records back; the counting stays on the main thread.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createClassifier } from '../core/classify.js';
import { createBatchPacker, packedBuffers, SLICE_RECORDS } from '../core/hits.js';
import { createStatsTally } from '../core/stats.js';
import { compileSource } from '../rules/compile.js';
import { skipOlderThan } from './lines.js';
import type { MatchSetup, SegmentJob, SegmentResult, WorkerReply } from './match-job.js';
import { readCompleteLines } from './reader.js';

const setup = workerData as MatchSetup;
const jails = setup.jails.map((j) => {
  const m = compileSource(j.source);
  if (!m.ok) throw new Error(m.error);
  return { matcher: m.value, since: j.since, ...(j.datepattern ? { datepattern: j.datepattern } : {}) };
});

function classifySegment(job: SegmentJob): SegmentResult {
  const classifier = createClassifier(jails, setup.classify);
  const skip = setup.skipBefore === undefined ? undefined : skipOlderThan(classifier.dates, setup.skipBefore);
  const fd = openSync(job.path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.dev !== job.dev || st.ino !== job.ino) throw new Error(`${job.path} was replaced while it was read; run again`);
    // The records are counted (stats) or packed as they come, a slice at a time.
    const tally = setup.tally === 'stats' ? createStatsTally() : null;
    const packer = createBatchPacker();
    const hand = () => (tally ? tally.consume(classifier.take()) : packer.add(classifier.take()));
    const out = readCompleteLines(fd, job.from, job.to, (text, at) => {
      classifier.write(text, at);
      if (classifier.pending() >= SLICE_RECORDS) hand();
    }, skip);
    classifier.end();
    hand();
    return {
      seg: job.seg, batch: packer.result(), ...(tally ? { stats: tally.part() } : {}), classified: classifier.lines(), lines: out.lines, longLines: out.longLines,
      endOffset: out.endOffset, inLongLine: out.inLongLine ?? false, ...(out.failure ? { failure: out.failure } : {}),
      misses: classifier.misses(), guarded: classifier.guarded(),
    };
  } finally {
    closeSync(fd);
  }
}

parentPort!.on('message', (job: SegmentJob) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, result: classifySegment(job) };
  } catch (e) {
    reply = { ok: false, seg: job.seg, error: (e as Error).message };
  }
  parentPort!.postMessage(reply, reply.ok ? packedBuffers(reply.result.batch) : []);
});

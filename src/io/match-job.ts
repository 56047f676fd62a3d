import type { ClassifyOptions } from '../core/classify.js';
import type { PackedBatch } from '../core/hits.js';
import type { StatsPart } from '../core/stats.js';
import type { DatePatternName } from '../core/timestamp.js';
import type { MatcherSource } from '../rules/compile.js';

/** What every worker of one read is told once: the jails' patterns (compiled again there) and how to classify. */
export type MatchSetup = {
  readonly jails: readonly { readonly source: MatcherSource; readonly since: number; readonly datepattern?: readonly DatePatternName[] }[];
  readonly classify: ClassifyOptions;
  /** A chunk whose last line is dated before this is skipped undecoded (a scan's skip check); absent: none. */
  readonly skipBefore?: number;
  /** Count the records where they are made and hand back the counts, not the records (`stats`: counts add up in any order). */
  readonly tally?: 'stats';
};

/** One part of a file: bytes [from, to), cut at line starts; the file is known by its inode. */
export type SegmentJob = {
  readonly seg: number; readonly path: string; readonly dev: number; readonly ino: number;
  readonly from: number; readonly to: number;
};

/** What a worker found in its part: the records, and what the reader counted. */
export type SegmentResult = {
  readonly seg: number;
  readonly batch: PackedBatch;
  /** Lines handed to the classifier (numbered from 1 in the batch). */
  readonly classified: number;
  /** Lines the reader counted (over-long and skipped ones too). */
  readonly lines: number;
  readonly longLines: number;
  readonly endOffset: number;
  readonly inLongLine: boolean;
  readonly failure?: { readonly at: number; readonly reason: string };
  readonly misses: readonly { readonly lineNo: number; readonly text: string }[];
  readonly guarded: { readonly tainted: number; readonly joined: number };
  /** With setup.tally 'stats': the part's counts (the batch is then empty). */
  readonly stats?: StatsPart;
};

export type WorkerReply = { readonly ok: true; readonly result: SegmentResult } | { readonly ok: false; readonly seg: number; readonly error: string };

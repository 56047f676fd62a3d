// Progress of long reads for a person watching: drawn on stderr only when it is a terminal, so
// cron mail, pipes and --json output never carry it.
export type Progress = {
  /** `bytes` more of the total were read. */
  readonly advance: (bytes: number) => void;
  /** Clears the bar (safe to call more than once). */
  readonly done: () => void;
};

export type ProgressOptions = {
  readonly stream?: NodeJS.WriteStream;
  /** False (e.g. with --json on stdout) turns the bar off whatever the stream is. */
  readonly enabled?: boolean;
  readonly label?: string;
  /** Milliseconds on a monotonic clock (default performance.now). */
  readonly clock?: () => number;
};

// The do-nothing twin.
export const noProgress: Progress = { advance: () => {}, done: () => {} };

const REDRAW_MS = 100;
// Reads quicker than this never show a bar at all.
const SHOW_AFTER_MS = 300;

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

// A one-line bar ("reading [#####-----] 52% 520.0/1000.0 MiB"), redrawn at most every 100 ms.
export function createProgress(totalBytes: number, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.enabled === false || !stream.isTTY || totalBytes <= 0) return noProgress;
  const label = opts.label ?? 'reading';
  const clock = opts.clock ?? (() => performance.now());
  const started = clock();
  let read = 0;
  let drawnAt = 0;
  let drawn = false;
  const draw = () => {
    const share = Math.min(1, read / totalBytes);
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 36));
    const fill = Math.round(share * width);
    stream.write(`\r${label} [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${String(Math.floor(share * 100)).padStart(3)}% ${mib(read)}/${mib(totalBytes)}\u001b[K`);
    drawn = true;
  };
  return {
    advance(bytes) {
      read += bytes;
      const t = clock();
      if (t - started < SHOW_AFTER_MS || t - drawnAt < REDRAW_MS) return;
      drawnAt = t;
      draw();
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}

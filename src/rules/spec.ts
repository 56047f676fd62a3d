import type { DatePatternName } from '../core/timestamp.js';

// A built-in rule as data: what a line must contain, its shared prefix, its patterns.
export type RuleSpec = {
  readonly name: string;
  readonly description: string;
  /** Literal words a line must contain before any regex runs. */
  readonly prefilter: readonly string[];
  /** What every failregex starts with (timestamp, host, process); matched once per line. */
  readonly prefix: string;
  readonly failregex: readonly string[];
  readonly ignoreregex: readonly string[];
  /** Well-known log files, used by the embedded defaults when they exist on the host. */
  readonly logpath: readonly string[];
  readonly port: readonly string[];
  /** The date formats its logs use (see DATE_PATTERNS); absent: every format is tried. */
  readonly datepattern?: readonly DatePatternName[];
  /** True when the embedded defaults must leave it off even where its log exists: it fits only
   *  some sites (e.g. scripts banned on a site that serves PHP), so a jail has to name it. */
  readonly optIn?: boolean;
};

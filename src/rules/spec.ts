// A built-in rule as data: what a line must contain, its shared prefix, its patterns.
import type { PatternRole } from '../core/match.js';
import type { RecordGuard } from '../core/record-guard.js';
import type { DatePatternName } from '../core/timestamp.js';

export type { PatternRole };

/*
 * What a matched line means for counting attempts (src/core/attempts.ts):
 * - `fail`: one attempt.
 * - `companion`: another line about an attempt that may be logged elsewhere too (PAM's line next
 *   to sshd's, "Invalid user" before "Failed password", a closing line); it counts, once per key,
 *   only when the same key (process or session id) logs no `fail` and no `success`.
 * - `success`: a login that worked; the key's pending companions are forgotten, never counted.
 * - `address`: a line that only names the address of its key's connection; it counts nothing.
 * - `unaddressed`: a companion whose line names no address (its pattern has no <HOST>): it takes
 *   the address another line of its key names, before or after it (src/core/connection-address.ts),
 *   and counts nothing when none does.
 */

/**
 * One pattern with what it means for counting and why it is there, as one record: adding or
 * moving a pattern cannot shift the role of another.
 */
export type RulePattern = { readonly pattern: string; readonly role: PatternRole; readonly why?: string };

export type RuleSpec = {
  readonly name: string;
  readonly description: string;
  /** Literal words a line must contain before any regex runs. */
  readonly prefilter: readonly string[];
  /**
   * What every pattern starts with (timestamp, host, process); matched once per line. A named
   * group `key` (process or session id) relates the lines of one attempt.
   */
  readonly prefix: string;
  /** Failure patterns in matcher order: a bare string is a `fail`; any other role is a record. */
  readonly failregex: readonly (string | RulePattern)[];
  /** Logins that worked: matched after the failregex, never a failure; they settle their key. */
  readonly successregex?: readonly string[];
  readonly ignoreregex: readonly string[];
  /** Well-known log files, used by the embedded defaults when they exist on the host. */
  readonly logpath: readonly string[];
  readonly port: readonly string[];
  /** The date formats its logs use (see DATE_PATTERNS); absent: every format is tried. */
  readonly datepattern?: readonly DatePatternName[];
  /** True when the embedded defaults must leave it off even where its log exists: it fits only
   *  some sites (e.g. scripts banned on a site that serves PHP), so a jail has to name it. */
  readonly optIn?: boolean;
  /** How the daemon's records look in a log that holds raw client newlines (see record-guard). */
  readonly guard?: RecordGuard;
};

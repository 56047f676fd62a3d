import type { JailPolicy } from '../core/decide.js';
import type { Matcher } from '../core/match.js';
import type { DatePatternName } from '../core/timestamp.js';

export type Backend = 'iptables' | 'none';

export type Jail = JailPolicy & {
  readonly logpath: readonly string[];
  /** journalctl matches (FIELD=value) for hosts where the service logs only to the journal. */
  readonly journalmatch: readonly string[];
  /** journalctl --directory, for a journal kept outside the system's. */
  readonly journalDir: string | null;
  readonly rules: readonly string[];
  readonly matcher: Matcher;
  readonly ignoreip: readonly string[];
  readonly port: readonly string[];
  /** Date format names for this jail's logs (config `datepattern`); absent: every format is tried. */
  readonly datepattern?: readonly DatePatternName[];
};

// [report]: whois = true adds country and network of each newly banned IP to the report.
export type ReportSettings = { readonly whois: boolean };

export type Config = {
  /** The file read, or null for the embedded defaults. */
  readonly path: string | null;
  readonly jails: readonly Jail[];
  readonly backend: Backend;
  readonly chains: readonly string[];
  readonly report: ReportSettings;
};

import type { JailPolicy } from '../core/decide.js';
import type { Matcher } from '../core/match.js';

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
};

export type Config = {
  /** The file read, or null for the embedded defaults. */
  readonly path: string | null;
  readonly jails: readonly Jail[];
  readonly backend: Backend;
  readonly chains: readonly string[];
};

import type { JailPolicy } from '../core/decide.js';
import type { SubnetPolicy } from '../core/subnets.js';
import type { RecidivePolicy } from '../core/recidive.js';
import type { Blocklist } from '../core/blocklist.js';
import type { Matcher } from '../core/match.js';
import type { MatcherSource } from '../rules/compile.js';
import type { PortRange, Protocol } from '../core/ports.js';
import type { DatePatternName } from '../core/timestamp.js';

export type Backend = 'iptables' | 'ipset' | 'nftables' | 'none';

export type Jail = JailPolicy & {
  readonly logpath: readonly string[];
  /** journalctl matches (FIELD=value) for hosts where the service logs only to the journal. */
  readonly journalmatch: readonly string[];
  /** journalctl --directory, for a journal kept outside the system's. */
  readonly journalDir: string | null;
  readonly rules: readonly string[];
  readonly matcher: Matcher;
  /** What `matcher` was compiled from, for a worker thread to compile the same (absent: one thread only). */
  readonly patterns?: MatcherSource;
  readonly ignoreip: readonly string[];
  readonly port: readonly string[];
  /** `port` resolved to numbers and ranges; empty: all ports. */
  readonly ports: readonly PortRange[];
  /** What the jail's bans block; "all" without ports blocks every packet from the IP. */
  readonly protocol: Protocol;
  /** New TCP connections per IP above which the jail's ports drop them; null: no limit. */
  readonly connlimit: number | null;
  /** Date format names for this jail's logs (config `datepattern`); absent: every format is tried. */
  readonly datepattern?: readonly DatePatternName[];
  /** A successful login of an address forgets its pending failures in this jail (config `reset_on_success`). */
  readonly resetOnSuccess: boolean;
  /** Failures and bans count per block of this many bits (ipv4_prefix, default 32: per address). */
  readonly ipv4Prefix: number;
  /** Likewise for IPv6 (ipv6_prefix, default 64: one host's share of a network). */
  readonly ipv6Prefix: number;
  /** Subnet escalation (subnet_maxbans): this many bans in one subnet within findtime ban the subnet; null: off. */
  readonly subnet: SubnetPolicy | null;
};

export type { SubnetPolicy } from '../core/subnets.js';

// [report]: whois = true adds country and network of each newly banned IP to the report.
export type ReportSettings = { readonly whois: boolean };

export type Config = {
  /** The file read, or null for the embedded defaults. */
  readonly path: string | null;
  readonly jails: readonly Jail[];
  readonly backend: Backend;
  readonly chains: readonly string[];
  readonly report: ReportSettings;
  /** [recidive]: repeat offenders across jails; null: off. */
  readonly recidive: RecidivePolicy | null;
  /** [fleet]: bans shared with other hosts through an engine; null: this host alone. */
  readonly fleet: FleetSettings | null;
  /** [[blocklist]]: files of addresses and CIDRs, each enforced on every port in a part of its own. */
  readonly blocklists: readonly Blocklist[];
};

/** [fleet]: CrowdSec's Local API; secrets are paths, read (and their modes checked) when used. */
export type FleetSettings = {
  readonly engine: 'crowdsec';
  readonly url: string;
  readonly machineId: string | null;
  readonly passwordFile: string | null;
  readonly bouncerKeyFile: string | null;
  /** Send this host's bans and unbans (default: when machine_id is set). */
  readonly push: boolean;
  /** Enforce the fleet's decisions (default: when bouncer_key_file is set). */
  readonly pull: boolean;
  /** Whose decisions to enforce; null: everyone's. */
  readonly origins: readonly string[] | null;
};

// What the import writes: TOML tables of entries, each entry and each list item with the
// comments above it, and what could not be carried (a comment at its jail and a line on stderr).

export type ListItem = { readonly text: string; readonly comments?: readonly string[] };
export type TomlValue = string | number | boolean | readonly ListItem[];
export type Entry = { readonly key: string; readonly value: TomlValue; readonly comments?: readonly string[] };

export type Table = {
  /** "defaults", "firewall", "jails.sshd", "recidive". */
  readonly name: string;
  readonly comments: readonly string[];
  readonly entries: readonly Entry[];
  /** Written as comments only: a jail that could not be carried. */
  readonly commentedOut?: boolean;
};

/** One thing left out, with the fail2ban jail (or [DEFAULT]) it belongs to. */
export type LeftOut = { readonly where: string; readonly text: string };

export type ImportPlan = { readonly header: readonly string[]; readonly tables: readonly Table[]; readonly leftOut: readonly LeftOut[] };

/** Services the mapping asks the rest of logban about (the app gives the real ones). */
export type Logban = {
  /** Whether logban has a built-in rule of this name. */
  readonly hasRule: (name: string) => boolean;
  /** Whether that rule holds back the lines of records a client cut open (a record guard). */
  readonly hasGuard: (name: string) => boolean;
  /** Why a jail's patterns do not compile in logban, or null. */
  readonly checkPatterns: (p: { failregex: readonly string[]; ignoreregex: readonly string[]; prefregex: string }) => string | null;
  /** A port name's number (/etc/services), or null. */
  readonly lookupPort: (name: string) => number | null;
  /** Whether this file (relative to the fail2ban directory) is byte for byte the installed package's. */
  readonly isPackageFile: (path: string) => boolean;
};

export const list = (texts: readonly string[]): ListItem[] => texts.map((text) => ({ text }));

// What the import writes: TOML tables of entries, each entry and each list item with the
// comments above it, and what could not be carried (a comment at its jail and a line on stderr).

/** One list item and the comments above it. */
export type ListItem = { readonly text: string; readonly comments?: readonly string[] };
/** A value as the writer writes it. */
export type TomlValue = string | number | boolean | readonly ListItem[];
/** key = value, with comments above it. */
export type Entry = { readonly key: string; readonly value: TomlValue; readonly comments?: readonly string[] };

/** One [table] of the file. */
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

/** The whole file: header comments, tables, and everything left out. */
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

// Plain list items from strings.
export const list = (texts: readonly string[]): ListItem[] => texts.map((text) => ({ text }));

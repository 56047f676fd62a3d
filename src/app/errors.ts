// Failures a run reports as one line; the CLI maps each kind to an exit code in one place.
export class ConfigError extends Error {}
export class UsageError extends Error {}
/** A request the run declines (a ban into a full jail): one line, exit 1, nothing changed. */
export class RefusedError extends Error {}

// Failures a run reports as one line; the CLI maps each kind to an exit code in one place.
export class ConfigError extends Error {}
export class UsageError extends Error {}

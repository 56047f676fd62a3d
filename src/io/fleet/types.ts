import type { Outgoing, StreamAnswer } from '../../core/fleet.js';

/** What went wrong talking to the engine, as one line: the URL and the reason. */
export class FleetError extends Error {}

/** What `send` got through: how many of the items, in order; `error` when it stopped early (the rest wait for the next run). */
export type Sent = { readonly sent: number; readonly error?: string };

/** The fleet's engine as a run uses it; every call shares one bounded time per run. */
export type FleetEngine = {
  /** The decisions made and deleted since the last pull, or all of them with `startup`. Throws FleetError. */
  readonly pull: (startup: boolean) => Promise<StreamAnswer>;
  /** Sends this host's bans (one alert with one decision each) and unbans (their decisions deleted), in order. */
  readonly send: (items: readonly Outgoing[], now: number) => Promise<Sent>;
  /** `logban fleet check`: the engine reachable, the login and the key good, a line each; changes nothing there. */
  readonly check?: () => Promise<{ readonly ok: boolean; readonly lines: readonly string[] }>;
};

/** The do-nothing twin: a fleet with no decisions that takes everything. */
export const NO_ENGINE: FleetEngine = {
  pull: async () => ({ new: null, deleted: null }),
  send: async (items) => ({ sent: items.length }),
};

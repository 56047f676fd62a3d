// The only place that reads the wall clock; `--now` replaces it with a fixed instant.
export type Clock = { readonly now: () => number };

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };

export function fixedClock(seconds: number): Clock {
  return { now: () => seconds };
}

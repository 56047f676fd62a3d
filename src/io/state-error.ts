// A state dir or state file logban cannot use: one line naming it and what to do (exit 1).
export class StateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

import { HARD_MAX_BANTIME } from './escalation.js';
import { err, ok, type Result } from './result.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

// Config durations ("90s", "10m", "1h30m", "7d", 600); null means permanent ("permanent" or -1).
export function parseDuration(value: unknown): Result<number | null> {
  if (typeof value === 'number') {
    if (value === -1) return ok(null);
    if (Number.isFinite(value) && value > 0) return ok(value);
    return err(`expected a positive number of seconds or -1, got ${value}`);
  }
  if (typeof value !== 'string') return err('expected a duration such as "10m" or a number of seconds');
  const text = value.trim().toLowerCase();
  if (text === 'permanent' || text === '-1') return ok(null);
  if (/^\d+(\.\d+)?$/.test(text)) return parseDuration(Number(text));
  const parts = /^(?:\d+(?:\.\d+)?[smhdw])+$/.test(text) ? text.match(/\d+(?:\.\d+)?[smhdw]/g) : null;
  if (!parts) return err(`"${value}" is not a duration: use e.g. "90s", "10m", "1h", "7d" or "permanent"`);
  let seconds = 0;
  for (const part of parts) seconds += Number(part.slice(0, -1)) * (UNIT_SECONDS[part.slice(-1)] ?? 0);
  return seconds > 0 ? ok(seconds) : err(`"${value}" must be longer than zero`);
}

/** The longest findtime: a window of more than a year would keep every failure ever seen. */
export const MAX_FINDTIME = 365 * 86400;

// The upper bound of each duration setting: a longer ban is "permanent", and every time logban
// computes from them (an expiry, a window's start) stays a date a report can print.
export const DURATION_LIMITS: Readonly<Record<string, { readonly seconds: number; readonly text: string }>> = {
  findtime: { seconds: MAX_FINDTIME, text: '365d (one year)' },
  bantime: { seconds: HARD_MAX_BANTIME, text: '3650d (ten years); use "permanent" for a ban that never ends' },
  maxbantime: { seconds: HARD_MAX_BANTIME, text: '3650d (ten years)' },
};

// A config duration with its setting's upper bound applied.
export function parseDurationSetting(key: string, value: unknown): Result<number | null> {
  const r = parseDuration(value);
  const limit = DURATION_LIMITS[key];
  if (!r.ok || r.value === null || limit === undefined || r.value <= limit.seconds) return r;
  return err(`${JSON.stringify(value)} is longer than the maximum of ${limit.text}`);
}

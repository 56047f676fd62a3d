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

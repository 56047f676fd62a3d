// Reports are read by people in their own time zone; the zone is an input, never read here.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

// True when the runtime knows the IANA zone name (e.g. "Asia/Tokyo", "UTC").
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset in seconds at whole `seconds`, as its formatter spells the wall-clock time. */
function offsetAt(seconds: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(seconds * 1000))) parts[p.type] = p.value;
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000 - seconds;
}

// A report of 100k+ bans spells 200k+ times, and the formatter costs microseconds each: a zone's
// offset is remembered per quarter hour, when it is the same at the quarter's first and last
// second (no zone changes its offset twice within 15 minutes); else each second is asked.
const QUARTER = 900;
const OFFSETS_KEPT = 4096;
const offsets = new Map<string, Map<number, number | null>>();

function offsetOf(seconds: number, timeZone: string): number {
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  const q = Math.floor(seconds / QUARTER);
  let known = zone.get(q);
  if (known === undefined) {
    const first = offsetAt(q * QUARTER, timeZone);
    known = first === offsetAt(q * QUARTER + QUARTER - 1, timeZone) ? first : null;
    if (zone.size >= OFFSETS_KEPT) zone.clear();
    zone.set(q, known);
  }
  return known ?? offsetAt(seconds, timeZone);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// Epoch seconds as local wall-clock time with the numeric offset: "2026-11-21 19:00:00 +0900".
export function formatZoned(seconds: number, timeZone: string): string {
  const whole = Math.floor(seconds);
  const offset = offsetOf(whole, timeZone);
  const wall = new Date((whole + offset) * 1000);
  const offsetMin = Math.round(offset / 60);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())} `
    + `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

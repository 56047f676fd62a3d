import { describe, expect, it } from 'vitest';
import { formatZoned } from '../../src/core/zoned-time.js';

// What the runtime's own formatter says the wall-clock time is, asked for each second anew.
const formatters = new Map<string, Intl.DateTimeFormat>();
function oracle(seconds: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })));
  const p = Object.fromEntries(f.formatToParts(new Date(seconds * 1000)).map((x) => [x.type, x.value]));
  const wall = Date.UTC(Number(p['year']), Number(p['month']) - 1, Number(p['day']), Number(p['hour']), Number(p['minute']), Number(p['second'])) / 1000;
  const off = Math.round((wall - Math.floor(seconds)) / 60);
  const abs = Math.abs(off);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']} ${off < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Asia/Tokyo', 'Africa/Monrovia', 'Pacific/Chatham'];
const at = (iso: string) => Date.parse(iso) / 1000;

// formatZoned remembers each zone's offset per quarter hour; these compare it with the formatter.
describe('formatZoned', () => {
  it('spells every instant as the formatter does, over two years in zones with whole-hour, half-hour, 45-minute and 30-minute DST offsets', () => {
    for (const zone of ZONES) {
      for (let t = at('2025-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 97 * 60 + 13) expect(formatZoned(t, zone), `${zone} ${t}`).toBe(oracle(t, zone));
    }
  });

  it('gets each second right across a change of offset, whichever quarter hour was asked first', () => {
    const changes: [string, string][] = [
      ['Europe/Berlin', '2026-03-29T01:00:00Z'], ['Europe/Berlin', '2026-10-25T01:00:00Z'], ['America/New_York', '2026-03-08T07:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], ['Pacific/Chatham', '2026-04-04T14:00:00Z'], ['Africa/Monrovia', '1972-01-07T00:44:30Z'],
    ];
    for (const [zone, iso] of changes) {
      const c = at(iso);
      for (let t = c - 1900; t <= c + 1900; t++) expect(formatZoned(t, zone), `${zone} ${t}`).toBe(oracle(t, zone));
      for (let t = c + 1900; t >= c - 1900; t -= 7) expect(formatZoned(t + 0.75, zone), `${zone} ${t}.75`).toBe(oracle(t + 0.75, zone));
    }
  });
});

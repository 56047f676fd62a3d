import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLineAssembler, MAX_LINE_BYTES } from '../../src/io/lines.js';
import { makeSandbox, sshdFailure } from '../helpers/cli.js';

const CONFIG = `
[defaults]
maxretry = 3

[firewall]
backend = "none"

[jails.sshd]
logpath = ["$DIR/auth.log"]
rules = ["sshd"]
`;
const NOW = '2026-11-21T09:45:00Z';
const fail = sshdFailure;

function assemble(parts: readonly Buffer[], midLine = false) {
  const texts: string[] = [];
  const a = createLineAssembler((t) => texts.push(t), undefined, midLine);
  for (const p of parts) a.write(p);
  return { text: texts.join(''), consumed: a.consumed(), longLines: a.longLines(), inLongLine: a.inLongLine(), lines: a.lines() };
}

describe('lines longer than 64 KiB', () => {
  it('a terminated one is skipped whole and the lines after it are handed over', () => {
    const long = Buffer.from(`${'x'.repeat(MAX_LINE_BYTES + 10)}\n`);
    const r = assemble([Buffer.from('a\n'), long, Buffer.from('b\n')]);
    expect(r).toEqual({ text: 'a\nb\n', consumed: 4 + long.length, longLines: 1, inLongLine: false, lines: 3 });
  });

  it('one of exactly 64 KiB is still a line', () => {
    const line = `${'y'.repeat(MAX_LINE_BYTES - 1)}\n`;
    expect(assemble([Buffer.from(line)]).text).toBe(line);
  });

  it('an unterminated one is consumed as it comes, and its rest is skipped by the next reader', () => {
    const first = assemble([Buffer.from('a\n'), Buffer.alloc(3 * MAX_LINE_BYTES, 0x41)]);
    expect(first).toMatchObject({ text: 'a\n', consumed: 2 + 3 * MAX_LINE_BYTES, inLongLine: true });
    // The rest of the line looks like a failure line: it is still the over-long line's end.
    const rest = assemble([Buffer.from(`${fail('09:40:00', '198.51.100.7')}${fail('09:40:01', '203.0.113.9')}`)], true);
    expect(rest.text).toBe(fail('09:40:01', '203.0.113.9'));
    expect(rest.longLines).toBe(0);
  });
});

describe('scan over a log that ends inside an over-long line', () => {
  it('moves its cursor to the end, says so once, and never reads the line again nor matches its end', () => {
    const sb = makeSandbox(CONFIG);
    writeFileSync(sb.path('auth.log'), fail('09:40:00', '203.0.113.9') + 'A'.repeat(5 * MAX_LINE_BYTES));
    const size = readFileSync(sb.path('auth.log')).length;
    const r1 = sb.json(NOW);
    expect(r1.files[0]!.endOffset).toBe(size);
    expect(r1.notes.some((n) => /ends inside a line longer than 64 KiB/.test(n.text))).toBe(true);
    // The writer finishes the line with text that reads as failures of a chosen address, then real ones.
    appendFileSync(sb.path('auth.log'), `${fail('09:41:00', '198.51.100.7')}${fail('09:41:01', '203.0.113.9')}${fail('09:41:02', '203.0.113.9')}`);
    const r2 = sb.json(NOW);
    expect(r2.files[0]!.startOffset).toBe(size);
    expect(r2.newBans.map((b) => [b.ip, b.failures])).toEqual([['203.0.113.9', 3]]);
    expect(r2.notes.some((n) => /64 KiB/.test(n.text))).toBe(false);
    // A third run reads nothing new.
    expect(sb.json(NOW).files[0]!.linesRead).toBe(0);
  });

  it('a failure line longer than 64 KiB is never matched', () => {
    const sb = makeSandbox(CONFIG);
    const long = `Nov 21 09:40:00 web1 sshd[1]: Failed password for ${'x'.repeat(MAX_LINE_BYTES)} from 198.51.100.2 port 1 ssh2\n`;
    writeFileSync(sb.path('auth.log'), long.repeat(3) + fail('09:40:01', '203.0.113.9'));
    const r = sb.json(NOW);
    expect(r.newBans).toEqual([]);
    expect(r.notes.some((n) => /skipped 3 line\(s\) longer than 64 KiB/.test(n.text))).toBe(true);
  });
});

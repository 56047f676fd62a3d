import { describe, expect, it } from 'vitest';
import { createProgress, noProgress } from '../../src/io/progress.js';

// A stand-in for process.stderr that records what is written.
function stream(isTTY: boolean, columns = 100) {
  const written: string[] = [];
  return { written, stream: { isTTY, columns, write: (s: string) => { written.push(s); return true; } } as unknown as NodeJS.WriteStream };
}

describe('the progress bar', () => {
  it('is the do-nothing twin when stderr is not a terminal, or when turned off (--json)', () => {
    expect(createProgress(1000, { stream: stream(false).stream })).toBe(noProgress);
    expect(createProgress(1000, { stream: stream(true).stream, enabled: false })).toBe(noProgress);
    expect(createProgress(0, { stream: stream(true).stream })).toBe(noProgress);
  });

  it('on a terminal: nothing for quick reads, then a bar redrawn at most every 100 ms, cleared at the end', () => {
    let now = 0;
    const out = stream(true);
    const p = createProgress(4 << 20, { stream: out.stream, label: 'stats', clock: () => now });
    p.advance(1 << 20);
    expect(out.written).toEqual([]);
    now = 400;
    p.advance(1 << 20);
    now = 450;
    p.advance(1 << 20);
    expect(out.written).toHaveLength(1);
    expect(out.written[0]).toMatch(/^\rstats \[#+-+\]  50% 2\.0 MiB\/4\.0 MiB\u001b\[K$/);
    now = 600;
    p.advance(1 << 20);
    expect(out.written[1]).toContain('100% 4.0 MiB/4.0 MiB');
    p.done();
    expect(out.written[2]).toBe('\r\u001b[K');
    p.done();
    expect(out.written).toHaveLength(3);
  });
});

import { closeSync, openSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { posOf } from '../../src/core/evidence.js';
import { createEvidenceRings } from '../../src/core/evidence-rings.js';
import { createLineReader } from '../../src/io/line-reader.js';
import { readCompleteLines } from '../../src/io/reader.js';
import { tempDir } from '../helpers/cli.js';

const line = (n: number) => `Nov 21 09:40:${String(n).padStart(2, '0')} web1 sshd[1]: Failed password for root from 203.0.113.9 port ${n} ssh2`;

describe('evidence lines kept by their place in the log', () => {
  it('a ring keeps the newest five lines in order, text as text and placed lines as handles', () => {
    const rings = createEvidenceRings();
    const r = rings.open();
    for (let n = 0; n < 7; n++) rings.push(r, line(n), n % 2 === 0 ? posOf(1, n * 100) : -1);
    const refs = rings.refs(r);
    expect(refs.map((x) => (typeof x === 'string' ? x : rings.place(x)))).toEqual([
      { pos: posOf(1, 200), length: line(2).length }, line(3), { pos: posOf(1, 400), length: line(4).length }, line(5), { pos: posOf(1, 600), length: line(6).length },
    ]);
  });

  it('reads the lines back from the file they were read from, in the order asked; from a rotated-away path nothing', () => {
    const dir = tempDir();
    const path = join(dir, 'auth.log');
    const text = Array.from({ length: 50 }, (_, n) => `${line(n)}\n`).join('');
    writeFileSync(path, text);
    const st = statSync(path);
    const rings = createEvidenceRings();
    const placed = new Map<string, number>();
    const fd = openSync(path, 'r');
    readCompleteLines(fd, 0, st.size, (chunk, at) => {
      for (let start = 0; start < chunk.length; ) {
        const end = chunk.indexOf('\n', start);
        const r = rings.open();
        rings.push(r, chunk.slice(start, end), posOf(0, at + start));
        placed.set(chunk.slice(start, end), rings.refs(r)[0] as number);
        start = end + 1;
      }
    });
    closeSync(fd);
    const read = createLineReader(rings, [{ path, dev: st.dev, ino: st.ino }]);
    const want = [line(40), line(3), line(41), line(0)];
    expect(read(want.map((l) => placed.get(l)!))).toEqual(want);
    writeFileSync(join(dir, 'new.log'), text.toUpperCase());
    renameSync(join(dir, 'new.log'), path);
    expect(read([placed.get(line(3))!])).toEqual(['']);
  });

  it('text that is not plain ASCII is handed over without a place', () => {
    const dir = tempDir();
    const path = join(dir, 'auth.log');
    writeFileSync(path, `${line(1)}\nNov 21 09:40:02 web1 sshd[1]: Failed password for \u00e9 from 203.0.113.9 port 1 ssh2\n`);
    const got: number[] = [];
    const fd = openSync(path, 'r');
    readCompleteLines(fd, 0, statSync(path).size, (_text, at) => got.push(at));
    closeSync(fd);
    expect(got).toEqual([-1]);
  });
});

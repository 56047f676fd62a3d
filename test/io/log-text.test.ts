import { spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gzipSync } from 'node:zlib';
import { INPUT_BYTES } from '../../src/io/gunzip.js';
import { readLogText } from '../../src/io/log-text.js';
import { tempDir } from '../helpers/cli.js';

// Lines a test can recognise one by one: "line <n> <padding>".
function makeLines(from: number, count: number, pad = 40): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `line ${i} ${'x'.repeat((i * 7) % pad)}\n`;
  return text;
}

function gzip(path: string, level = '-6'): string {
  const r = spawnSync('gzip', [level, '-k', '-f', path]);
  if (r.status !== 0) throw new Error(`gzip failed: ${r.stderr}`);
  return `${path}.gz`;
}

async function collect(path: string, from = 0) {
  let text = '';
  const out = await readLogText(path, (t) => { text += t; }, { from });
  return { text, out };
}

afterEach(() => { vi.unstubAllEnvs(); });

// Both engines: the zlib-sync addon, and node:zlib where the addon is missing.
describe.each([['zlib-sync', ''], ['node:zlib', 'node']] as const)('gzip through %s', (engine, env) => {
  const useEngine = () => { if (env) vi.stubEnv('LOGBAN_GZIP', env); };

  it('reads a gzip file larger than several chunks, line for line', async () => {
    useEngine();
    const dir = tempDir();
    const text = makeLines(0, 120_000, 60); // ~5 MiB
    writeFileSync(join(dir, 'auth.log'), text);
    const { text: got, out } = await collect(gzip(join(dir, 'auth.log')));
    expect(out.gzip).toBe(true);
    expect(out.engine).toBe(engine);
    expect(out.complete).toBe(true);
    expect(out.lines).toBe(120_000);
    expect(got === text).toBe(true);
    expect(out.bytes).toBe(Buffer.byteLength(text));
  });

  it('reads every member of a multi-member file (cat a.gz b.gz ...)', async () => {
    useEngine();
    const dir = tempDir();
    let all = '';
    const parts: Buffer[] = [];
    for (let m = 0; m < 8; m++) {
      const text = makeLines(m * 5000, 5000);
      all += text;
      writeFileSync(join(dir, `p${m}`), text);
      parts.push(readFileSync(gzip(join(dir, `p${m}`))));
    }
    writeFileSync(join(dir, 'multi.gz'), Buffer.concat(parts));
    const { text, out } = await collect(join(dir, 'multi.gz'));
    expect(out.complete).toBe(true);
    expect(out.engine).toBe(engine);
    expect(out.lines).toBe(40_000);
    expect(text === all).toBe(true);
  });

  it('reads multi-member files whose members end at every position around a read boundary', async () => {
    useEngine();
    const dir = tempDir();
    // Stored (level 0) members have an exact size, so the first one can end k bytes before the
    // end of zlib-sync's first read, for each k where the next header could be cut.
    for (let k = 0; k <= 12; k++) {
      const target = INPUT_BYTES - k;
      let n = target - 30;
      let first = gzipSync(Buffer.from(makeLines(0, 1)), { level: 0 });
      for (let tries = 0; tries < 50; tries++) {
        const text = Buffer.from('y'.repeat(Math.max(1, n - 1)) + '\n');
        first = gzipSync(text, { level: 0 });
        if (first.length === target) break;
        n += target - first.length;
      }
      expect(first.length).toBe(target);
      const second = gzipSync(Buffer.from(makeLines(0, 2000)));
      const path = join(dir, `boundary-${k}.gz`);
      writeFileSync(path, Buffer.concat([first, second, gzipSync(Buffer.from('last line\n'))]));
      const { text, out } = await collect(path);
      expect(out.complete).toBe(true);
      expect(out.lines).toBe(1 + 2000 + 1);
      expect(text.endsWith(`${makeLines(0, 2000)}last line\n`)).toBe(true);
    }
  });

  it('reads from a text offset inside a gzip file (the rest of a rotated log)', async () => {
    useEngine();
    const dir = tempDir();
    const head = makeLines(0, 3000);
    const rest = makeLines(3000, 3000);
    writeFileSync(join(dir, 'auth.log.1'), head + rest);
    const { text, out } = await collect(gzip(join(dir, 'auth.log.1')), Buffer.byteLength(head));
    expect(text === rest).toBe(true);
    expect(out.bytes).toBe(Buffer.byteLength(head + rest));
  });

  it('a .gz still being written: hands over the complete lines, says it ended early', async () => {
    useEngine();
    const dir = tempDir();
    const text = makeLines(0, 200_000, 60);
    writeFileSync(join(dir, 'big.log'), text);
    const gz = gzip(join(dir, 'big.log'), '-1');
    truncateSync(gz, Math.floor(statSync(gz).size / 2));
    const { text: got, out } = await collect(gz);
    expect(out.complete).toBe(false);
    expect(out.note).toMatch(/ends early/);
    expect(out.lines).toBeGreaterThan(1000);
    expect(got.endsWith('\n')).toBe(true);
    expect(text.startsWith(got)).toBe(true);
    expect(out.bytes).toBe(Buffer.byteLength(got));
  });

  it('a corrupt .gz: stops with a note, keeps what was readable', async () => {
    useEngine();
    const dir = tempDir();
    const text = makeLines(0, 200_000, 60);
    writeFileSync(join(dir, 'bad.log'), text);
    const gz = gzip(join(dir, 'bad.log'), '-1');
    const bytes = readFileSync(gz);
    bytes.fill(0x55, bytes.length >> 1, (bytes.length >> 1) + 4096);
    writeFileSync(gz, bytes);
    const { text: got, out } = await collect(gz);
    expect(out.complete).toBe(false);
    expect(out.note).toMatch(/corrupt|ends early/);
    expect(text.startsWith(got)).toBe(true);
  });
});

describe('plain files', () => {
  it('a file named .gz that is not gzip is read as text', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'auth.log.2.gz'), 'one\ntwo\npartial');
    const { text, out } = await collect(join(dir, 'auth.log.2.gz'));
    expect(out.gzip).toBe(false);
    expect(text).toBe('one\ntwo\n');
    expect(out.bytes).toBe(8);
  });

  it('a directory is refused with an error the caller can describe', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'auth.log'));
    await expect(readLogText(join(dir, 'auth.log'), () => {})).rejects.toMatchObject({ code: expect.stringMatching(/ENOTFILE|EISDIR/) });
  });
});

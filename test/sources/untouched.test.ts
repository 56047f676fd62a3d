import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readChain } from '../../src/app/read-chain.js';

const NOW = 1_795_000_000;
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function logFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'logban-untouched-'));
  dirs.push(dir);
  const path = join(dir, 'auth.log');
  writeFileSync(path, text);
  return path;
}

async function read(path: string, cursor: Parameters<typeof readChain>[1], now: number) {
  let text = '';
  const out = await readChain(path, cursor, now, (t) => { text += t; });
  return { ...out, text };
}

// The usual cron run finds its log as it left it: no byte read, no digest taken, the cursor kept.
describe('a log not written since the last run', () => {
  it('is not read again: the saved cursor stands, with the time of the read that made it', async () => {
    const path = logFile('a 1\nb 2\nc 3\n');
    const first = await read(path, undefined, NOW);
    expect(first.lines).toBe(3);
    expect(first.cursor?.mtime).toBe(statSync(path).mtimeMs);
    const again = await read(path, first.cursor!, NOW + 300);
    expect(again.lines).toBe(0);
    expect(again.text).toBe('');
    expect(again.cursor).toBe(first.cursor);
    expect(again.cursor?.readAt).toBe(NOW);
  });

  it('is read again when its text changed at the same size (copytruncate, then as many bytes written)', async () => {
    const path = logFile('a 1\nb 2\nc 3\n');
    const first = await read(path, undefined, NOW);
    writeFileSync(path, 'x 7\ny 8\nz 9\n');
    const later = (first.cursor!.mtime! + 5000) / 1000;
    utimesSync(path, later, later);
    const again = await read(path, first.cursor!, NOW + 300);
    expect(again.text).toBe('x 7\ny 8\nz 9\n');
    expect(again.cursor?.mtime).toBe(statSync(path).mtimeMs);
  });

  it('reads only the new lines once one is appended', async () => {
    const path = logFile('a 1\n');
    const first = await read(path, undefined, NOW);
    writeFileSync(path, 'a 1\nb 2\n');
    const again = await read(path, first.cursor!, NOW + 300);
    expect(again.text).toBe('b 2\n');
    expect(again.cursor?.offset).toBe(8);
  });
});

import { closeSync, openSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { compareGenerations, parseGeneration, type Generation } from '../core/rotation.js';
import { isGzip } from './gunzip.js';

export type RotatedFile = {
  readonly path: string;
  readonly gzip: boolean;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  /** Last modification, epoch seconds. */
  readonly mtime: number;
  readonly generation: Generation;
};

async function loadFastGlob() {
  const mod = await import('fast-glob');
  return (mod as unknown as { default?: typeof mod }).default ?? mod;
}

function describeFile(path: string, generation: Generation): RotatedFile | null {
  try {
    const st = statSync(path);
    if (!st.isFile()) return null;
    const fd = openSync(path, 'r');
    try {
      return { path, gzip: isGzip(fd), dev: st.dev, ino: st.ino, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), generation };
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

// The rotated generations of a log that exist now (auth.log.1, auth.log.2.gz, auth.log-20261121.gz,
// found by pattern, not by a fixed list), oldest first. Within one generation the plain file
// comes first: while logrotate compresses auth.log.1, the plain file is the complete one.
export async function listGenerations(path: string): Promise<RotatedFile[]> {
  const fg = await loadFastGlob();
  const base = basename(path);
  const pattern = `${fg.escapePath(dirname(path))}/${fg.escapePath(base)}[.-]*`;
  const names = await fg(pattern, { onlyFiles: true, dot: true, suppressErrors: true, followSymbolicLinks: false });
  const files: RotatedFile[] = [];
  for (const name of names) {
    const generation = parseGeneration(base, basename(name));
    const file = generation && describeFile(name, generation);
    if (file) files.push(file);
  }
  return files.sort((a, b) => compareGenerations(a.generation, b.generation) || Number(a.gzip) - Number(b.gzip));
}

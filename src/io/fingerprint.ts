import { readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateFile } from './gunzip.js';

// How many bytes of a log's start identify it, and how many bytes before the saved offset prove
// that the text we stopped in is still there (copytruncate regrowth leaves the inode alone).
export const HEAD_BYTES = 1024;
export const TAIL_BYTES = 1024;

// A short, stable digest of some log bytes (not a secret; sha256 so log text cannot collide it).
// node:crypto is loaded on the first digest: a cron run whose logs were not written to needs none.
let crypto: typeof import('node:crypto') | undefined;
export function digest(bytes: Buffer): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
}

// Up to `length` bytes of a plain file from `from` (fewer at its end).
export function readBytes(fd: number, from: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, from + got);
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

// The first `length` bytes of a plain log, or of a .gz's text (so a log and its gzipped copy
// have the same head).
export async function readHead(fd: number, path: string, gzip: boolean, length: number): Promise<Buffer> {
  if (!gzip) return readBytes(fd, 0, length);
  const parts: Buffer[] = [];
  let have = 0;
  if (length > 0) {
    const out = await inflateFile(fd, path, (bytes) => {
      parts.push(Buffer.from(bytes.subarray(0, length - have)));
      have += Math.min(bytes.length, length - have);
      return have >= length;
    });
    // A head cut short by a failed read says nothing about the file: the caller tries again later
    // rather than take it for another file.
    if (out.readError && have < length) throw Object.assign(new Error(`could not read the head of ${path}: ${out.problem ?? 'read error'}`), { code: 'EIO' });
  }
  return Buffer.concat(parts);
}

// The digest of the bytes just before `offset` in a plain log.
export function tailDigest(fd: number, offset: number): string {
  const from = Math.max(0, offset - TAIL_BYTES);
  return digest(readBytes(fd, from, offset - from));
}

import { createReadStream, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CHUNK_BYTES } from './lines.js';
import { describeReadError } from './read-error.js';

export type InflateOutcome = {
  /** The stream ended cleanly (every member's trailer was read); false for a file still being written or damaged. */
  readonly complete: boolean;
  readonly members: number;
  readonly engine: 'zlib-sync' | 'node:zlib';
  /** Why reading stopped early, for the report. */
  readonly problem?: string;
  /** Reading the file failed (EIO), not the data: the same bytes may read fine next run. */
  readonly readError?: boolean;
};

type ZlibSync = typeof import('zlib-sync');

const Z_SYNC_FLUSH = 2;
const Z_STREAM_END = 1;
const Z_BUF_ERROR = -5;
const GZIP_WINDOW_BITS = 31;
// Compressed bytes per push: logs compress about 8:1, so each push yields about 1 MiB of text and
// zlib-sync's output buffer stays small.
export const INPUT_BYTES = 128 << 10;

let zlibSync: ZlibSync | null | undefined;

// zlib-sync is an optional native addon: a host that could not build it still reads .gz files,
// through node:zlib. LOGBAN_GZIP=node forces that path (it is how the fallback is tested).
function loadZlibSync(): ZlibSync | null {
  if (process.env['LOGBAN_GZIP'] === 'node') return null;
  if (zlibSync !== undefined) return zlibSync;
  try {
    zlibSync = createRequire(import.meta.url)('zlib-sync') as ZlibSync;
  } catch {
    zlibSync = null;
  }
  return zlibSync;
}

// The engine the next inflate will use, so a run can say once that it fell back.
export function gzipEngine(): InflateOutcome['engine'] {
  return loadZlibSync() ? 'zlib-sync' : 'node:zlib';
}

// True when the file starts with the gzip magic bytes, whatever its name says.
export function isGzip(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Receives inflated bytes; returning true stops the inflate early (only the head was wanted). */
export type ChunkSink = (bytes: Buffer) => boolean | void;

// Inflates a whole gzip file in chunks of about 1 MiB, handing each piece of output to `onChunk`;
// memory stays bounded whatever the file's size. Multi-member files (`cat a.gz b.gz`) are read
// to the end.
export async function inflateFile(fd: number, path: string, onChunk: ChunkSink): Promise<InflateOutcome> {
  const zs = loadZlibSync();
  return zs ? inflateWithZlibSync(zs, fd, onChunk) : inflateWithNode(fd, path, onChunk);
}

// zlib-sync stops at the end of the first gzip member and does not say how much input it used,
// so the next member is found by its header right after an 8-byte trailer whose length field
// equals the member's output size.
function inflateWithZlibSync(zs: ZlibSync, fd: number, onChunk: ChunkSink): InflateOutcome {
  const input = Buffer.allocUnsafe(INPUT_BYTES);
  let inflate = new zs.Inflate({ chunkSize: CHUNK_BYTES, windowBits: GZIP_WINDOW_BITS });
  let members = 1;
  let memberOut = 0;
  let pos = 0;
  let tail = Buffer.alloc(0); // the last bytes pushed, where a trailer may start
  let ended = false;
  const fail = (problem: string): InflateOutcome => ({ complete: false, members, engine: 'zlib-sync', problem });
  let stopped = false;
  const emit = () => {
    const out = inflate.result as Buffer | null;
    if (out && out.length > 0) { memberOut += out.length; stopped = onChunk(out) === true; }
    return out?.length ?? 0;
  };
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, input, 0, INPUT_BYTES, pos);
    } catch (e) {
      return { ...fail(`read error at byte ${pos} of the file (${describeReadError(e)})`), readError: true };
    }
    if (n <= 0) break;
    pos += n;
    let chunk = input.subarray(0, n);
    while (chunk.length > 0) {
      if (ended) {
        if (chunk.every((b) => b === 0)) { chunk = chunk.subarray(chunk.length); break; }
        if (chunk.length < 10 && n === INPUT_BYTES) { pos -= chunk.length; break; } // a header cut by the read: read it again whole
        inflate = new zs.Inflate({ chunkSize: CHUNK_BYTES, windowBits: GZIP_WINDOW_BITS });
        members++;
        memberOut = 0;
        ended = false;
        tail = Buffer.alloc(0);
      }
      inflate.push(chunk, Z_SYNC_FLUSH);
      if (inflate.err < 0 && inflate.err !== Z_BUF_ERROR) return fail(`corrupt gzip data (${inflate.msg ?? `zlib error ${inflate.err}`}) near byte ${pos}`);
      emit();
      if (stopped) return { complete: false, members, engine: 'zlib-sync' };
      if (inflate.err !== Z_STREAM_END) {
        while (inflate.err !== Z_STREAM_END) {
          inflate.push(Buffer.alloc(0), Z_SYNC_FLUSH);
          if (inflate.err < 0 && inflate.err !== Z_BUF_ERROR) return fail(`corrupt gzip data (${inflate.msg ?? ''}) near byte ${pos}`);
          if (emit() === 0) break;
        }
        if (inflate.err !== Z_STREAM_END) {
          tail = Buffer.concat([tail, chunk]).subarray(-8);
          chunk = chunk.subarray(chunk.length);
          continue;
        }
      }
      ended = true;
      const next = findNextMember(tail, chunk, memberOut);
      if (next < 0) return fail('gzip member boundary not found');
      chunk = chunk.subarray(next);
    }
  }
  return ended ? { complete: true, members, engine: 'zlib-sync' } : fail('gzip stream ends early (still being written?)');
}

// Where the member that just ended stops inside `chunk`: the first position after a trailer
// (CRC32, then ISIZE = output size mod 2^32) that is the end of the chunk or a new gzip header.
export function findNextMember(tail: Buffer, chunk: Buffer, outSize: number): number {
  const joined = Buffer.concat([tail.subarray(-8), chunk]);
  const offset = joined.length - chunk.length;
  const isize = outSize >>> 0;
  for (let p = Math.max(8, offset); p <= joined.length; p++) {
    if (joined.readUInt32LE(p - 4) !== isize) continue;
    if (p === joined.length || isHeaderStart(joined, p) || joined.subarray(p).every((b) => b === 0)) return p - offset;
  }
  return -1;
}

function isHeaderStart(buf: Buffer, p: number): boolean {
  const rest = buf.length - p;
  return buf[p] === 0x1f && (rest < 2 || buf[p + 1] === 0x8b) && (rest < 3 || buf[p + 2] === 8);
}

async function inflateWithNode(fd: number, path: string, onChunk: ChunkSink): Promise<InflateOutcome> {
  // Loaded here: most runs read no .gz at all, and zlib-sync covers the others.
  const { createGunzip } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  const source = createReadStream(path, { fd, start: 0, highWaterMark: CHUNK_BYTES, autoClose: false });
  // A failed read ends the inflate with that error; one after the inflate is over (a late read
  // after close) must not crash the run.
  let reading = true;
  let readFailure: unknown = null;
  source.on('error', (e) => { if (reading) { readFailure = e; gunzip.destroy(e); } });
  source.pipe(gunzip);
  let members = 0;
  try {
    for await (const out of gunzip) if (onChunk(out as Buffer) === true) return { complete: false, members, engine: 'node:zlib' };
    members = 1;
    return { complete: true, members, engine: 'node:zlib' };
  } catch (e) {
    if (readFailure !== null) return { complete: false, members, engine: 'node:zlib', problem: `read error (${describeReadError(readFailure)})`, readError: true };
    const message = (e as Error).message;
    const truncated = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end/i.test(message);
    return { complete: false, members, engine: 'node:zlib', problem: truncated ? 'gzip stream ends early (still being written?)' : `corrupt gzip data (${message})` };
  } finally {
    reading = false;
    source.unpipe(gunzip);
    source.pause();
  }
}

import { statSync } from 'node:fs';

/** A configured path that exists but is no log logban can read, and what to do about it. */
export type Refused = { readonly path: string; readonly reason: string };

export type Discovery = {
  readonly files: readonly string[];
  /** Entries that name nothing (a literal path not there, a glob matching no file). */
  readonly missing: readonly string[];
  /** Literal paths that are there but are no regular file: never opened (a FIFO would block the run). */
  readonly refused: readonly Refused[];
};

const GLOB_CHARS = /[*?[\]{}]/;

type Kind = { readonly kind: 'file' } | { readonly kind: 'missing' } | { readonly kind: 'refused'; readonly reason: string };

// Expands logpath entries; fast-glob is loaded only when an entry really is a glob.
export async function discoverLogs(patterns: readonly string[]): Promise<Discovery> {
  const files = new Set<string>();
  const missing: string[] = [];
  const refused: Refused[] = [];
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      const k = fileKind(pattern);
      if (k.kind === 'file') files.add(pattern);
      else if (k.kind === 'missing') missing.push(`${pattern} not found`);
      else refused.push({ path: pattern, reason: k.reason });
      continue;
    }
    const mod = await import('fast-glob');
    const fg = (mod as unknown as { default?: typeof mod }).default ?? mod;
    const found = await fg(pattern, { onlyFiles: true, absolute: true, followSymbolicLinks: true, suppressErrors: true });
    if (found.length === 0) missing.push(`${pattern} matches no file`);
    for (const f of found.sort()) files.add(f);
  }
  return { files: [...files], missing, refused };
}

// What a path is, told by stat alone: nothing here opens it (open() of a FIFO waits for a writer).
function fileKind(path: string): Kind {
  try {
    const st = statSync(path);
    if (st.isFile()) return { kind: 'file' };
    if (st.isFIFO()) return { kind: 'refused', reason: 'not a regular file (a FIFO, named pipe): logban never reads from a pipe; point logpath at the log file the daemon writes' };
    if (st.isDirectory()) return { kind: 'refused', reason: `not a regular file (a directory): point logpath at the log file in it, or at a glob such as ${path.replace(/\/+$/, '')}/*.log` };
    if (st.isSocket()) return { kind: 'refused', reason: 'not a regular file (a socket): point logpath at the log file, or read the journal with journalmatch' };
    return { kind: 'refused', reason: 'not a regular file (a device): point logpath at the log file' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP') return { kind: 'refused', reason: 'symlink loop: fix the link (ls -l shows where it points)' };
    if (code === 'EACCES') return { kind: 'refused', reason: 'permission denied: run logban as root or make the log readable' };
    if (code === 'ENOTDIR') return { kind: 'refused', reason: 'a part of the path is not a directory: fix logpath' };
    return { kind: 'refused', reason: (e as Error).message };
  }
}

export function existsAsFile(path: string): boolean {
  return fileKind(path).kind === 'file';
}

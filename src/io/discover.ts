import { statSync } from 'node:fs';

export type Discovery = { readonly files: readonly string[]; readonly missing: readonly string[] };

const GLOB_CHARS = /[*?[\]{}]/;

// Expands logpath entries; fast-glob is loaded only when an entry really is a glob.
export async function discoverLogs(patterns: readonly string[]): Promise<Discovery> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      const kind = fileKind(pattern);
      if (kind === 'file') files.add(pattern);
      else missing.push(kind === 'missing' ? `${pattern} not found` : `${pattern} is not a regular file`);
      continue;
    }
    const mod = await import('fast-glob');
    const fg = (mod as unknown as { default?: typeof mod }).default ?? mod;
    const found = await fg(pattern, { onlyFiles: true, absolute: true, followSymbolicLinks: true, suppressErrors: true });
    if (found.length === 0) missing.push(`${pattern} matches no file`);
    for (const f of found.sort()) files.add(f);
  }
  return { files: [...files], missing };
}

function fileKind(path: string): 'file' | 'other' | 'missing' {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'other';
  }
}

export function existsAsFile(path: string): boolean {
  return fileKind(path) === 'file';
}

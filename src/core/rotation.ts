// How rotated generations of a log are named and ordered. logrotate's numbered names
// (auth.log.1, auth.log.2.gz) count up with age; dateext names (auth.log-20261121,
// auth.log-20261121-1795284745.gz) sort with time. Compression suffixes are not part of the key,
// so auth.log.1 and the auth.log.1.gz being written from it are one generation.

const SUFFIX = /^[.-](\d[\d-]*)(\.gz)?$/;

export type Generation = { readonly key: string; readonly numbered: boolean; readonly value: readonly number[] };

// The generation a sibling file name stands for, or null when it is not a rotation of `base`.
export function parseGeneration(base: string, name: string): Generation | null {
  if (!name.startsWith(base) || name === base) return null;
  const m = SUFFIX.exec(name.slice(base.length));
  if (!m) return null;
  const key = m[1]!;
  const numbered = /^\d{1,4}$/.test(key);
  return { key, numbered, value: key.split('-').filter((p) => p !== '').map(Number) };
}

// Oldest first: dated generations by date, then numbered ones from the highest number down
// (a setup uses one scheme; mixing them orders dated names as older).
export function compareGenerations(a: Generation, b: Generation): number {
  if (a.numbered !== b.numbered) return a.numbered ? 1 : -1;
  if (a.numbered) return b.value[0]! - a.value[0]!;
  for (let i = 0; i < Math.max(a.value.length, b.value.length); i++) {
    const d = (a.value[i] ?? -1) - (b.value[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

// True when `path` is a rotated generation of another path in the list (a logpath glob such as
// /var/log/auth.log* must not make auth.log.1 a log of its own, or its lines would count twice).
export function isRotatedSibling(path: string, all: ReadonlySet<string>): boolean {
  for (let cut = path.length - 1; cut > 0; cut--) {
    const c = path[cut];
    if ((c === '.' || c === '-') && all.has(path.slice(0, cut)) && parseGeneration(path.slice(0, cut), path) !== null) return true;
  }
  return false;
}

import { readFileSync, statSync } from 'node:fs';

/** A secret that cannot be used, with what to do; the message names the file, never the secret. */
export class SecretError extends Error {}

// The one line of a secret file (a machine password, a bouncer key). A file every user may read
// is refused: the secret would be everybody's. So is an empty one.
export function readSecret(path: string, what: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SecretError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(e)})`}: put the ${what} in it (chmod 600)`);
  }
  if ((mode & 0o004) !== 0) throw new SecretError(`${path}: the ${what} is readable by every user: chmod 600 ${path} (and change the secret, others may have read it)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SecretError(`${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)}): run logban as root, or fix the file's owner`);
  }
  const secret = text.split('\n')[0]!.trim();
  if (secret === '') throw new SecretError(`${path}: empty: put the ${what} on its first line`);
  return secret;
}

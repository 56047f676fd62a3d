// The words for a read that failed (EIO from a bad disk, a vanished network share): the errno
// code and what the system said, without Node's syscall suffix.
export function describeReadError(e: unknown): string {
  const { code, message } = (e ?? {}) as NodeJS.ErrnoException;
  if (typeof message !== 'string') return String(e);
  return code ? `${code}: ${message.replace(/^\w+: /, '').replace(/, read$/, '')}` : message;
}

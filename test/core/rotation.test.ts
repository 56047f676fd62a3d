import { describe, expect, it } from 'vitest';
import { compareGenerations, isRotatedSibling, parseGeneration } from '../../src/core/rotation.js';

describe('rotated generation names', () => {
  it.each([
    ['auth.log.1', '1', true],
    ['auth.log.2.gz', '2', true],
    ['auth.log-20261121', '20261121', false],
    ['auth.log-20261121.gz', '20261121', false],
    ['auth.log-20261121-1795284745.gz', '20261121-1795284745', false],
    ['auth.log.2026-11-21', '2026-11-21', false],
  ])('%s is generation %s', (name, key, numbered) => {
    expect(parseGeneration('auth.log', name)).toMatchObject({ key, numbered });
  });

  it.each(['auth.log', 'auth.log.old', 'auth.log.1.xz', 'auth.logger.1', 'auth.log.gz', 'other.log.1'])('%s is not a rotation of auth.log', (name) => {
    expect(parseGeneration('auth.log', name)).toBeNull();
  });

  it('orders oldest first: numbered names count down, dated names count up', () => {
    const names = ['auth.log.1', 'auth.log.3.gz', 'auth.log.2.gz', 'auth.log.10.gz'];
    const sorted = names.map((n) => ({ n, g: parseGeneration('auth.log', n)! })).sort((a, b) => compareGenerations(a.g, b.g)).map((x) => x.n);
    expect(sorted).toEqual(['auth.log.10.gz', 'auth.log.3.gz', 'auth.log.2.gz', 'auth.log.1']);
    const dated = ['auth.log-20261121-1795284745.gz', 'auth.log-20261120', 'auth.log-20261121-1795200000.gz'];
    const sortedDated = dated.map((n) => ({ n, g: parseGeneration('auth.log', n)! })).sort((a, b) => compareGenerations(a.g, b.g)).map((x) => x.n);
    expect(sortedDated).toEqual(['auth.log-20261120', 'auth.log-20261121-1795200000.gz', 'auth.log-20261121-1795284745.gz']);
  });

  it('a glob that also matches rotated files keeps only the live logs', () => {
    const all = new Set(['/var/log/auth.log', '/var/log/auth.log.1', '/var/log/auth.log.2.gz', '/var/log/kern.log', '/var/log/app-2.log']);
    expect([...all].filter((p) => !isRotatedSibling(p, all))).toEqual(['/var/log/auth.log', '/var/log/kern.log', '/var/log/app-2.log']);
  });
});

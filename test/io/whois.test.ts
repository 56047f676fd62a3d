import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWhoisLookup, noWhois } from '../../src/io/whois.js';
import { ROOT, tempDir } from '../helpers/cli.js';

// A stand-in for the system whois command: a shell script written by the test.
function fakeWhois(body: string): { bin: string; dir: string } {
  const dir = tempDir('logban-whois-');
  const bin = join(dir, 'whois');
  writeFileSync(bin, `#!/bin/sh\n${body}\n`);
  chmodSync(bin, 0o755);
  return { bin, dir };
}

// Killed and not yet reaped (a zombie) counts as stopped.
function running(pid: string): boolean {
  const stat = join('/proc', pid, 'stat');
  return existsSync(stat) && !/\) Z /.test(readFileSync(stat, 'utf8'));
}

describe('the whois command', () => {
  it('passes the address as one argument and parses the answer', async () => {
    const sample = join(ROOT, 'fixtures/whois/ripe.txt');
    const { bin, dir } = fakeWhois(`printf '%s\\n' "$#:$1" >> "$(dirname "$0")/args"; cat "${sample}"`);
    const found = await createWhoisLookup({ bin }).lookup(['198.51.100.7', '2001:db8::7']);
    expect(found.get('198.51.100.7')).toMatchObject({ country: 'NL', netname: 'EXAMPLE-HOSTING-NL' });
    expect(found.size).toBe(2);
    expect(readFileSync(join(dir, 'args'), 'utf8').split('\n').filter(Boolean).sort()).toEqual(['1:198.51.100.7', '1:2001:db8::7']);
  });

  it('a whois that hangs (and its children) is stopped at the timeout; the address stays unknown', async () => {
    const { bin, dir } = fakeWhois(`sleep 30 & echo $! > "$(dirname "$0")/child"; wait`);
    const found = await createWhoisLookup({ bin, timeoutMs: 200, budgetMs: 400 }).lookup(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
    expect(found.size).toBe(0);
    const child = readFileSync(join(dir, 'child'), 'utf8').trim();
    expect(running(child)).toBe(false);
  });

  it('no whois command: every address unknown, asked once', async () => {
    const found = await createWhoisLookup({ bin: join(tempDir(), 'no-such-whois') }).lookup(['192.0.2.1', '192.0.2.2']);
    expect(found.size).toBe(0);
  });

  it('a failing whois (no network) gives unknown', async () => {
    const { bin } = fakeWhois(`echo "getaddrinfo(whois.arin.net): Name or service not known" >&2; exit 2`);
    expect((await createWhoisLookup({ bin }).lookup(['192.0.2.1'])).size).toBe(0);
  });

  it('asks about a limited number of addresses per run', async () => {
    const { bin, dir } = fakeWhois(`echo "$1" >> "$(dirname "$0")/asked"; printf 'netname: N\\ncountry: NL\\n'`);
    const ips = Array.from({ length: 10 }, (_, i) => `192.0.2.${i + 1}`);
    const found = await createWhoisLookup({ bin, maxLookups: 4 }).lookup(ips);
    expect(found.size).toBe(4);
    expect(readFileSync(join(dir, 'asked'), 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('the do-nothing twin knows nothing', async () => {
    expect((await noWhois.lookup(['192.0.2.1'])).size).toBe(0);
  });
});

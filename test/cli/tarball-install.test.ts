import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

// The install a user really does: `npm pack`, then `npm install -g` of the tarball into a clean
// prefix (dependencies from the registry). npm 11 runs no install script of a global install
// unless allowed, so zlib-sync is not built there: logban must read .gz files without it.
const dir = mkdtempSync(join(tmpdir(), 'logban-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack and npm install -g of the tarball', () => {
  it('gives a working logban, its man pages, and reads a gzipped log', () => {
    // --ignore-scripts: the dist that `npm test` built is packed (a rebuild here would pull it away from the other tests).
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = readdirSync(dir).find((f) => /^logban-.*\.tgz$/.test(f));
    expect(tarball).toBeDefined();
    const prefix = join(dir, 'prefix');
    const install = spawnSync('npm', ['install', '-g', join(dir, tarball!), '--prefix', prefix, '--no-audit', '--no-fund'], { encoding: 'utf8', timeout: 300_000 });
    expect(install.status, install.stderr).toBe(0);
    const logban = (...args: string[]) => spawnSync(join(prefix, 'bin/logban'), args, { encoding: 'utf8', timeout: 30_000, cwd: dir });
    expect(logban('--version').stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(existsSync(join(prefix, 'share/man/man8/logban.8'))).toBe(true);
    expect(existsSync(join(prefix, 'share/man/man5/logban.toml.5'))).toBe(true);
    const config = join(dir, 'logban.toml');
    writeFileSync(config, `[firewall]\nbackend = "none"\n[jails.sshd]\nlogpath = ["${dir}/auth.log"]\nrules = ["sshd"]\n`);
    expect(logban('check', '--config', config).stdout).toBe('ok: 1 jail (sshd)\n');
    writeFileSync(join(dir, 'auth.log.1.gz'), gzipSync('Nov 21 09:40:00 web1 sshd[1]: Failed password for root from 203.0.113.9 port 22 ssh2\n'));
    const test = logban('test', join(dir, 'auth.log.1.gz'), 'sshd', '--json', '--now', '2026-11-21T10:00:00Z');
    expect(test.status, test.stderr).toBe(0);
    expect((JSON.parse(test.stdout) as { matched: number; matches: { ip: string }[] }).matches.map((m) => m.ip)).toEqual(['203.0.113.9']);
  }, 420_000);
});

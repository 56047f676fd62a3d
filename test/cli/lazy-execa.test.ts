import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSandbox, ROOT, rootOrSkip, runCli, sshdFailure } from '../helpers/cli.js';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { createNetnsPool, saveRules, scanIn } from '../helpers/netns.js';
import { savedText } from '../helpers/saved-state.js';

// execa lives in a chunk of dist/ of its own; a cron run that starts no process must not load it.
const NOW = '2026-11-21T09:45:00Z';
const DIST = join(ROOT, 'dist');
const IPTABLES = sshdJailConfig().replace('backend = "none"', 'backend = "iptables"');
const attack = ['09:40:00', '09:41:00', '09:42:00'].map((t) => sshdFailure(t, '203.0.113.9')).join('');
const gate = rootOrSkip();
const pool = createNetnsPool();
const dirs: string[] = [];

afterAll(() => {
  pool.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function sandbox(config: string) {
  const sb = makeSandbox(config);
  dirs.push(sb.dir);
  return { ...sb, scanWith: (now: string, env: Record<string, string>) => runCli(['scan', '--config', sb.config, '--state-dir', sb.stateDir, '--now', now], { env }) };
}

// The files of dist/ that hold execa's code, known by its own error text (so a renamed or minified
// chunk, or execa bundled into the entry, is still found).
const execaFiles = readdirSync(DIST, { recursive: true, encoding: 'utf8' })
  .map((f) => join(DIST, f))
  .filter((f) => f.endsWith('.mjs') && readFileSync(f, 'utf8').includes('Command failed with'));

function execaLoaded(urls: readonly string[]): string[] {
  return urls.filter((u) => u.startsWith('file:') && execaFiles.includes(fileURLToPath(u)));
}

// The module URLs one run loaded, recorded by a module hook preloaded with --import.
function loadsOf(sb: { dir: string }, run: (env: Record<string, string>) => { code: number; stderr: string }): { code: number; stderr: string; urls: string[] } {
  const log = join(sb.dir, `loads-${Math.random().toString(36).slice(2)}.txt`);
  const hook = pathToFileURL(join(ROOT, 'test/helpers/record-loads.mjs')).href;
  const r = run({ LOGBAN_LOAD_LOG: log, NODE_OPTIONS: `--import=${hook}` });
  return { ...r, urls: readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') };
}

describe('execa is loaded only when a process runs', () => {
  it('the build keeps execa out of the entry that bin/logban.js imports', () => {
    expect(execaFiles.length).toBeGreaterThan(0);
    expect(execaFiles).not.toContain(join(DIST, 'logban.mjs'));
  });

  it('a scan with nothing to ban (iptables backend) loads the CLI but not execa', () => {
    const sb = sandbox(IPTABLES);
    sb.append('auth.log', sshdFailure('09:40:00', '203.0.113.9'));
    for (const now of [NOW, '2026-11-21T09:50:00Z']) {
      const r = loadsOf(sb, (env) => sb.scanWith(now, env));
      expect(r.code, r.stderr).toBe(0);
      expect(r.urls).toContainEqual(expect.stringMatching(/\/dist\/logban\.mjs$/));
      expect(execaLoaded(r.urls)).toEqual([]);
    }
  });

  it('a ban with the none backend starts no process and loads no execa', () => {
    const sb = sandbox(sshdJailConfig());
    sb.append('auth.log', attack);
    const r = loadsOf(sb, (env) => sb.scanWith(NOW, env));
    expect(r.code, r.stderr).toBe(0);
    expect(savedText(sb.stateDir)).toContain('203.0.113.9');
    expect(execaLoaded(r.urls)).toEqual([]);
  });

  it('a ban through a firewall tool missing from PATH loads execa to start it', () => {
    const sb = sandbox(IPTABLES);
    sb.append('auth.log', attack);
    const r = loadsOf(sb, (env) => sb.scanWith(NOW, { ...env, PATH: '/nonexistent' }));
    expect(r.stderr).toMatch(/^logban: iptables not found: install it/);
    expect(execaLoaded(r.urls)).toHaveLength(1);
  });

  it.skipIf(gate.skip)(`a ban through real iptables in a namespace loads execa and the rule is in the kernel (${gate.reason})`, () => {
    const ns = pool.add();
    const sb = sandbox(IPTABLES);
    sb.append('auth.log', attack);
    const r = loadsOf(sb, (env) => scanIn(ns, sb, NOW, [], env));
    expect(r.code, r.stderr).toBe(0);
    expect(saveRules(ns)).toContain('-A logban-sshd -s 203.0.113.9/32 -j DROP');
    expect(execaLoaded(r.urls)).toHaveLength(1);
  });
});

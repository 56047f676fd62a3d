#!/usr/bin/env node
// Firewall benchmark: `node bench/firewall.mjs [--bans 5000] [--runs 3] [--append bench/results.md] [--no-baseline]`.
// A script, never a timed test. As root it makes a fresh network namespace, and in it, for each
// backend, applies N bans to an empty firewall through logban's own firewall module (bundled from
// src/ with esbuild), counting the firewall processes it starts; then a rerun with nothing to
// change (what every cron run does), then `logban restore` of the same N bans through the built
// CLI. The baseline is the one-process-per-IP way: `iptables -A INPUT -s IP -j DROP` N times.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const INSIDE = 'LOGBAN_BENCH_NETNS';
const NOW = Date.parse('2026-11-21T12:00:00Z') / 1000;
const BACKENDS = ['iptables', 'ipset', 'nftables'];

const { values: flags } = parseArgs({
  options: {
    bans: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    append: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
  },
});
const N = Number(flags.bans);
const RUNS = Number(flags.runs);
const log = (text) => process.stderr.write(`${text}\n`);

function run(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr || r.error?.message}`);
  return r;
}

// ---------------------------------------------------------------- outside: make the namespace

function outside() {
  if (process.getuid?.() !== 0) {
    log('bench/firewall: needs root (it works in a network namespace of its own); skipped');
    return;
  }
  const ns = `lb-bench-${randomBytes(3).toString('hex')}`;
  run(['ip', 'netns', 'add', ns]);
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, [INSIDE]: ns },
    });
    if (r.status !== 0) throw new Error(`the benchmark inside ${ns} exited ${r.status}`);
    process.stdout.write(r.stdout);
    if (flags.append) appendFileSync(resolve(ROOT, flags.append), `\n${r.stdout}`);
  } finally {
    run(['ip', 'netns', 'delete', ns], { allowFail: true });
  }
}

// ---------------------------------------------------------------- inside the namespace

function flush() {
  for (const bin of ['iptables', 'ip6tables']) {
    run([bin, '-w', '-F']);
    run([bin, '-w', '-X']);
  }
  run(['ipset', 'destroy']);
  run(['nft', 'flush', 'ruleset']);
}

// N attackers: nine in ten IPv4 from 198.18.0.0/15 (set aside for benchmarks), the rest 2001:db8::/32.
function attackers(n) {
  return Array.from({ length: n }, (_, i) => (i % 10 === 9
    ? { ip: `2001:db8::${(i + 1).toString(16)}`, jail: 'sshd', expiresAt: NOW + 3600 }
    : { ip: `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, jail: 'sshd', expiresAt: NOW + 3600 }));
}

async function loadModule() {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: {
      contents: "export { createFirewall } from './src/io/firewall/select.ts'; export { execaRunner } from './src/io/exec.ts';",
      resolveDir: ROOT, loader: 'ts',
    },
    bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning',
    // execa's CommonJS dependencies call require(), which an ES module has to be given.
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  });
  const dir = mkdtempSync(join(tmpdir(), 'logban-bench-fw-'));
  const file = join(dir, 'firewall.mjs');
  writeFileSync(file, out.outputFiles[0].text);
  const mod = await import(pathToFileURL(file).href);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

const CONFIG_JAIL = { name: 'sshd', protocol: 'tcp', ports: [{ from: 22, to: 22 }], connlimit: null };

// What the kernel holds: rules, set entries or table elements carrying one of the bench IPs.
function entriesInKernel(backend) {
  if (backend === 'iptables') {
    return ['iptables', 'ip6tables'].map((b) => run([`${b}-save`]).stdout.split('\n').filter((l) => l.startsWith('-A logban-sshd -s ')).length).reduce((a, b) => a + b);
  }
  if (backend === 'ipset') return run(['ipset', 'save']).stdout.split('\n').filter((l) => l.startsWith('add logban-')).length;
  const data = JSON.parse(run(['nft', '-j', 'list', 'table', 'inet', 'logban']).stdout);
  return data.nftables.reduce((n, item) => n + (item.set?.name?.startsWith('ban') ? (item.set.elem ?? []).length : 0), 0);
}

async function timed(fn) {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measureBackend(mod, backend, bans) {
  const config = { backend, chains: ['INPUT'], jails: [CONFIG_JAIL] };
  let processes = 0;
  const runner = { run: (argv, input) => { processes++; return mod.execaRunner.run(argv, input); } };
  const fw = mod.createFirewall(config, { dryRun: false, now: NOW, runner });
  const rows = { first: [], again: [], one: [] };
  const counts = {};
  for (let i = 0; i < RUNS; i++) {
    flush();
    processes = 0;
    const first = await timed(() => fw.apply(bans, []));
    counts.firstProcs = processes;
    rows.first.push(first.ms);
    counts.entries = entriesInKernel(backend);
    processes = 0;
    const again = await timed(() => fw.apply(bans, bans));
    counts.againProcs = processes;
    rows.again.push(again.ms);
    if (again.value.length !== 0) throw new Error(`${backend}: a rerun planned ${again.value.length} command(s)`);
    processes = 0;
    const changed = [...bans.slice(1), { ip: '198.19.255.254', jail: 'sshd', expiresAt: NOW + 3600 }];
    const one = await timed(() => fw.apply(changed, bans));
    counts.oneProcs = processes;
    rows.one.push(one.ms);
  }
  return { backend, ...counts, first: median(rows.first), again: median(rows.again), one: median(rows.one) };
}

// `logban restore` of the same bans through the built CLI: a whole process, as @reboot runs it.
function measureCli(backend, bans) {
  const dir = mkdtempSync(join(tmpdir(), 'logban-bench-cli-'));
  try {
    writeFileSync(join(dir, 'logban.toml'), `[firewall]\nbackend = "${backend}"\n[jails.sshd]\nlogpath = ["${dir}/none.log"]\nrules = ["sshd"]\nport = ["ssh"]\n`);
    mkdirSync(join(dir, 'state'));
    const full = bans.map((b) => ({ ...b, bannedAt: NOW, failures: 5, firstSeen: NOW, lastSeen: NOW, evidence: [] }));
    writeFileSync(join(dir, 'state', 'state.json'), JSON.stringify({ version: 1, files: {}, windows: {}, bans: full }));
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      flush();
      const t = process.hrtime.bigint();
      run([process.execPath, join(ROOT, 'bin/logban.js'), 'restore', '--config', join(dir, 'logban.toml'), '--state-dir', join(dir, 'state'), '--now', new Date(NOW * 1000).toISOString()]);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return median(times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureBaseline(bans) {
  flush();
  const v4 = bans.filter((b) => !b.ip.includes(':'));
  const t = process.hrtime.bigint();
  for (const b of v4) run(['iptables', '-w', '-A', 'INPUT', '-s', b.ip, '-j', 'DROP']);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, processes: v4.length };
}

async function inside() {
  const bans = attackers(N);
  const mod = await loadModule();
  // execa is imported once, before anything is timed (the whole-CLI column pays that import).
  await mod.execaRunner.run(['true']);
  const results = [];
  for (const backend of BACKENDS) {
    log(`bench/firewall: ${backend}`);
    results.push({ ...(await measureBackend(mod, backend, bans)), cli: measureCli(backend, bans) });
  }
  const baseline = flags['no-baseline'] ? null : measureBaseline(bans);
  flush();
  const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
  const lines = [
    '## Firewall step', '',
    `Generated by \`node bench/firewall.mjs --bans ${N} --runs ${RUNS}\` in a fresh network namespace (as root): ${N} bans `
      + `(${bans.filter((b) => b.ip.includes(':')).length} IPv6) in one jail limited to port 22, median of ${RUNS} run(s). `
      + 'The apply step is logban\'s firewall module in-process (read the firewall, plan, one batch); processes are the firewall tools it started.', '',
    '| backend | apply to an empty firewall | processes | entries in the kernel | rerun, nothing to change | processes | one ban in, one out | processes | `logban restore` (whole CLI) |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...results.map((r) => `| ${r.backend} | ${fmt(r.first)} | ${r.firstProcs} | ${r.entries} | ${fmt(r.again)} | ${r.againProcs} | ${fmt(r.one)} | ${r.oneProcs} | ${fmt(r.cli)} |`),
  ];
  if (baseline) lines.push('', `Baseline, one process per IP: ${baseline.processes} × \`iptables -w -A INPUT -s IP -j DROP\` took ${fmt(baseline.ms)}.`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  if (process.env[INSIDE]) await inside();
  else outside();
} catch (e) {
  log(`bench/firewall: ${e.message}`);
  process.exitCode = 1;
}

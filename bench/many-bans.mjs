#!/usr/bin/env node
// The "many bans" section of `npm run bench`: `node bench/many-bans.mjs --log bench/data/auth.log [--runs 21] [--append FILE]`.
// A script, never a timed test. Makes the state of a host that keeps its bans (a first scan of the
// bench log with permanent bans and --max-bans 200000, backend none), then times, interleaved:
// node -e 0, a no-op scan with no bans, the no-op scan with that state, `status --json` and
// `report <ip>` on it. As root it also loads those bans into ipset inside a network namespace of
// its own and times one run that adds one ban to them. Prints a Markdown section, appends it to --append.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NOW = '2026-11-21T12:00:00Z';
const ENV = { ...process.env, TZ: 'UTC', NO_COLOR: '1' };
const TIME = ['/usr/bin/time'].find((p) => existsSync(p)) ?? null;
const NEW_ATTACKER = '192.0.2.77';
const NS = `logban-bench-many-${process.pid}`;

const { values: flags } = parseArgs({
  options: { log: { type: 'string', default: 'bench/data/auth.log' }, runs: { type: 'string', default: '21' }, append: { type: 'string' } },
});
const LOG = resolve(ROOT, flags.log);
const WORK = resolve(ROOT, 'bench/data/many');
const RUNS = Number(flags.runs);
const say = (text) => process.stderr.write(`${text}\n`);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
const mib = (kb) => (kb === null ? '?' : `${(kb / 1024).toFixed(1)} MiB`);

// One run, timed around spawnSync; with `rss`, under /usr/bin/time for the peak (kB).
function runOnce(argv, { rss = false, ok = [0] } = {}) {
  const rssFile = join(os.tmpdir(), `logban-many-rss-${process.pid}`);
  const full = rss && TIME ? [TIME, '-f', '%M', '-o', rssFile, ...argv] : argv;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { cwd: ROOT, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!ok.includes(r.status)) throw new Error(`${argv.join(' ')} exited ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`);
  let rssKb = null;
  if (rss && TIME) {
    rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
  }
  return { seconds, rssKb, stdout: r.stdout };
}

function config(path, { backend = 'none', logs }) {
  writeFileSync(path, [
    '[firewall]', `backend = "${backend}"`, '', '[jails.sshd]', `logpath = [${logs.map((l) => `'${l}'`).join(', ')}]`,
    'rules = ["sshd"]', 'findtime = "10m"', 'maxretry = 5', 'bantime = "permanent"', '',
  ].join('\n'));
  return path;
}

const scan = (cfg, dir, ...extra) => [process.execPath, 'bin/logban.js', 'scan', '--config', cfg, '--state-dir', dir, '--now', NOW, ...extra];
const dirBytes = (dir) => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

function prepare() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  writeFileSync(join(WORK, 'extra.log'), '');
  writeFileSync(join(WORK, 'empty.log'), '');
  const many = config(join(WORK, 'many.toml'), { logs: [LOG, join(WORK, 'extra.log')] });
  const none = config(join(WORK, 'none.toml'), { logs: [join(WORK, 'empty.log')] });
  say('many bans: first scan with permanent bans, --max-bans 200000 (timed once, peak RSS) ...');
  // As cron runs it: the text report (to /dev/null here), not --json; the count comes from the head.
  const first = runOnce(scan(many, join(WORK, 'state'), '--max-bans', '200000'), { rss: true });
  const head = JSON.parse(readFileSync(join(WORK, 'state', 'state.json'), 'utf8'));
  runOnce(scan(none, join(WORK, 'state-none')));
  return { many, none, first, bans: head.bans.live, bytes: statSync(LOG).size };
}

// Interleaved rounds (a, b, c, a, b, c, ...) so drifting load hits every command alike.
function measure(list) {
  for (const m of list) Object.assign(m, { times: [], rssKb: runOnce(m.argv, { rss: true }).rssKb });
  for (let i = 0; i < RUNS; i++) for (const m of list) m.times.push(runOnce(m.argv).seconds);
  for (const m of list) m.median = median(m.times);
  return list;
}

// As root: the bans into ipset in a namespace of its own (untimed), then one run that adds one ban, timed.
function oneMoreBan(base) {
  if (process.getuid?.() !== 0) return { skipped: 'needs root (a network namespace with ipset)' };
  const nsRun = (argv, opts) => runOnce(['ip', 'netns', 'exec', NS, ...argv], opts);
  const cfg = config(join(WORK, 'ipset.toml'), { backend: 'ipset', logs: [LOG, join(WORK, 'extra.log')] });
  const dir = join(WORK, 'state-ipset');
  const fresh = join(WORK, 'state-ipset-base');
  spawnSync('ip', ['netns', 'add', NS]);
  try {
    nsRun(['ip', 'link', 'set', 'lo', 'up']);
    rmSync(fresh, { recursive: true, force: true });
    cpSync(base, fresh, { recursive: true });
    say('many bans: loading the bans into ipset in a namespace (untimed) ...');
    const load = nsRun(scan(cfg, fresh));
    const entries = nsRun(['ipset', 'list', '-t']).stdout.match(/Number of entries: \d+/g) ?? [];
    const times = [];
    for (let i = 0; i < Math.min(RUNS, 7); i++) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(fresh, dir, { recursive: true });
      nsRun(['ipset', 'del', 'logban-sshd-v4', NEW_ATTACKER, '-exist']);
      writeFileSync(join(WORK, 'extra.log'), Array.from({ length: 5 }, (_, k) => `Nov 21 11:59:0${k} web1 sshd[77]: Failed password for root from ${NEW_ATTACKER} port 4${k}000 ssh2\n`).join(''));
      const r = nsRun(scan(cfg, dir, '--json'));
      const j = JSON.parse(r.stdout);
      if (j.newBans.length !== 1 || j.newBans[0].ip !== NEW_ATTACKER) throw new Error(`expected one new ban of ${NEW_ATTACKER}, got ${j.newBans.length}`);
      times.push(r.seconds);
    }
    nsRun(['ipset', 'test', 'logban-sshd-v4', NEW_ATTACKER]); // exit 0: the new ban is in the kernel's set
    writeFileSync(join(WORK, 'extra.log'), '');
    return { median: median(times), load: load.seconds, entries: entries.join(', ') };
  } finally {
    spawnSync('ip', ['netns', 'del', NS]);
  }
}

function main() {
  if (!existsSync(LOG)) throw new Error(`${LOG}: no bench log (run node bench/run.mjs --data-only first)`);
  const p = prepare();
  const state = join(WORK, 'state');
  // The first ban's target: an address, or a block (an IPv6 /64 by default), whose first host `report` is asked about.
  const target = readFileSync(join(state, readdirSync(state).find((f) => f.startsWith('bans.'))), 'utf8').split('\n', 1)[0].split('"')[5];
  const sampleIp = target.includes('/') ? target.replace(/(::)?\/\d+$/, (_m, c) => (c ? '::1' : '')).replace(/\.0$/, '.1') : target;
  const list = measure([
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'] },
    { name: 'no-op scan, no bans', argv: scan(p.none, join(WORK, 'state-none')) },
    { name: `no-op scan, ${p.bans.toLocaleString('en')} bans`, argv: scan(p.many, state) },
    { name: `status --json, ${p.bans.toLocaleString('en')} bans`, argv: [process.execPath, 'bin/logban.js', 'status', '--json', '--config', p.many, '--state-dir', state, '--now', NOW] },
    { name: `report ${sampleIp} --no-whois`, argv: [process.execPath, 'bin/logban.js', 'report', sampleIp, '--no-whois', '--config', p.many, '--state-dir', state, '--now', NOW] },
  ]);
  const [node, empty, noop, status] = list;
  const one = oneMoreBan(state);
  const size = dirBytes(state);
  const head = statSync(join(state, 'state.json')).size;
  const verdict = (okay) => (okay ? 'PASS' : 'FAIL');
  const lines = [
    '', '## Many bans', '',
    `Generated by \`node bench/many-bans.mjs --runs ${RUNS}\` (part of \`npm run bench\`); ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, 1-min load ${os.loadavg()[0].toFixed(2)}.`,
    `State: a first scan of \`${flags.log}\` (${(p.bytes / 1024 ** 2).toFixed(0)} MiB) with permanent bans and \`--max-bans 200000\`, backend none: ${p.bans.toLocaleString('en')} bans in force.`, '',
    `- ${verdict(noop.median <= 1.5 * empty.median)} — no-op run with ${p.bans.toLocaleString('en')} bans at most 1.5× the no-op run with none: ${(noop.median / empty.median).toFixed(2)}×`,
    `- ${verdict(noop.median <= 2 * node.median)} — the same at most 2.0× \`node -e 0\`: ${(noop.median / node.median).toFixed(2)}×`,
    `- ${verdict(noop.rssKb !== null && noop.rssKb <= 100 * 1024)} — its peak RSS at most 100 MiB: ${mib(noop.rssKb)}`,
    one.skipped ? `- not measured — one run adding 1 ban to them with backend ipset: ${one.skipped}`
      : `- ${verdict(one.median <= 1)} — one run adding 1 ban to them with backend ipset in a network namespace at most 1 s: ${ms(one.median)} (the sets: ${one.entries}; loading them all took ${one.load.toFixed(1)} s, once)`,
    `- ${verdict(p.first.rssKb !== null && p.first.rssKb < 150 * 1024)} — first scan with permanent bans under 150 MiB peak RSS: ${mib(p.first.rssKb)} (${p.first.seconds.toFixed(1)} s)`,
    `- ${verdict(status.median < 1)} — \`status --json\` under 1 s: ${ms(status.median)}`,
    `- State on disk: ${(size / 1024 ** 2).toFixed(1)} MiB, ${(size / p.bans).toFixed(0)} bytes per ban in force (the head, which every run reads: ${(head / 1024).toFixed(1)} KiB)`, '',
    '| command | median | peak RSS |', '| --- | ---: | ---: |',
    ...list.map((m) => `| ${m.name} | ${ms(m.median)} | ${mib(m.rssKb)} |`), '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (flags.append) appendFileSync(resolve(ROOT, flags.append), `${text}\n`);
  rmSync(WORK, { recursive: true, force: true });
}

try {
  main();
} catch (e) {
  say(`bench many-bans: ${e.message}`);
  process.exitCode = 1;
}

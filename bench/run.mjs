#!/usr/bin/env node
// logban speed benchmark: `npm run bench [-- --size 100M --runs 5 --out bench/results.md --keep]`.
// A script, never a timed test: it prints a Markdown table and writes it to --out with the machine.
// Each measurement is a named argv run N times (plus one untimed warm-up that also reads peak RSS
// through /usr/bin/time when present); wall time is taken around spawnSync, median and min shown.
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, renameSync, existsSync, readSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, readdirSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RULE_BITS, accessStamp, createAccessLineSource } from './nginx-log.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = 'bench/data';
const LOG = `${DATA}/auth.log`;
const META = `${DATA}/auth.log.meta.json`;
const CONFIG = `${DATA}/bench.toml`;
const PERMANENT_CONFIG = `${DATA}/bench-permanent.toml`;
const NOW = '2026-11-21T12:00:00Z';
const GENERATOR_VERSION = 3;
const SEED = 0x10_6b_a2;
// The nginx access log (bench/nginx-log.mjs) and the web jail over it.
const ACCESS_LOG = `${DATA}/access.log`;
const ACCESS_META = `${DATA}/access.log.meta.json`;
const ACCESS_GZ = `${DATA}/access.log.gz`;
const WEB_CONFIG = `${DATA}/bench-web.toml`;
const WEB_GREP = `${DATA}/access-jail.grep`;
const WEB_RULES = Object.keys(RULE_BITS);
const WEB_COLD_DIR = `${DATA}/state-web-cold`;
const WEB_FIRST_DIR = `${DATA}/state-web-first`;
const WP_GREP = String.raw`wp-login\.php|xmlrpc\.php`;
const ACCESS_GENERATOR_VERSION = 1;
const ACCESS_SEED = 0x0a_cc_e5;
const TIME = ['/usr/bin/time'].find((p) => existsSync(p)) ?? null;
// Logs carry no zone; the children read them in UTC so the run does not depend on the machine's TZ.
const ENV = { ...process.env, TZ: 'UTC', NO_COLOR: '1' };

// ---------------------------------------------------------------- flags

function parseSize(text, flag = '--size') {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(text);
  if (!m) throw new Error(`${flag} ${text}: expected e.g. 100M, 512K, 1G`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase()];
  return Math.floor(Number(m[1]) * mult);
}

function readFlags() {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '1G' },
      'web-size': { type: 'string' },
      runs: { type: 'string', default: '3' },
      out: { type: 'string', default: 'bench/results.md' },
      keep: { type: 'boolean', default: false },
      'data-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node bench/run.mjs [--size 1G] [--web-size SIZE] [--runs 3] [--out bench/results.md] [--keep] [--data-only]\n'
      + '  --size  sshd log size, K/M/G are powers of 1024 (default 1G)\n  --web-size  nginx access log size (default: --size)\n'
      + '  --keep  keep bench/data (and reuse it next time)\n'
      + '  --data-only  write bench/data (log, gzip copy, configs) and stop: for profiling by hand\n');
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected a whole number of at least 1`);
  const webSizeText = values['web-size'] ?? values.size;
  return {
    size: parseSize(values.size), sizeText: values.size, webSize: parseSize(webSizeText, values['web-size'] ? '--web-size' : '--size'), webSizeText: values['web-size'],
    runs, out: values.out, keep: values.keep, dataOnly: values['data-only'],
  };
}

// ---------------------------------------------------------------- data

// mulberry32: small, fast, deterministic (the data must be identical from run to run and machine to machine).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BAD_USERS = ['admin', 'oracle', 'test', 'ubuntu', 'git', 'postgres', 'user', 'support', 'guest', 'pi', 'ftpuser', 'mysql', 'hadoop', 'www', 'nagios', 'teamspeak', 'minecraft', 'deployer', 'jenkins', 'ansible'];

// Line bodies (everything after "Mmm dd hh:mm:ss web1 "): ~60 % attack lines from bursts of a few
// concurrent attackers, the rest normal sshd/CRON noise. Attackers come from 198.18.0.0/15 (the
// range set aside for benchmarks, RFC 2544: big enough for tens of thousands of distinct IPv4
// attackers) and 2001:db8::/32; never contacted: the bench config uses the "none" firewall backend.
function createLineSource(seed) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const hex = () => (1 + int(0xfffe)).toString(16);
  const attackerIp = () => (rand() < 0.1 ? `2001:db8:${hex()}:${hex()}::${hex()}` : `198.${18 + int(2)}.${int(256)}.${1 + int(254)}`);
  const port = () => 1024 + int(64511);
  const pid = () => 1000 + int(4_000_000);
  const repeatOffenders = Array.from({ length: 2000 }, attackerIp);
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const staff = ['deploy', 'backup', 'alice', 'bob'].map((user, i) => ({
    user, uid: 1000 + i, ip: `172.16.${int(16)}.${1 + int(254)}`,
    key: `ED25519 SHA256:${Array.from({ length: 43 }, () => b64[int(64)]).join('')}`,
  }));
  const slots = Array.from({ length: 6 }, () => ({ left: 0, ip: '', pid: 0, user: '' }));

  function attack() {
    const s = slots[int(slots.length)];
    if (s.left === 0) {
      s.ip = rand() < 0.3 ? pick(repeatOffenders) : attackerIp();
      s.left = Math.min(200, 1 + Math.floor(-Math.log(1 - rand()) * 8));
      s.pid = pid();
      s.user = pick(BAD_USERS);
    }
    s.left--;
    const r = rand();
    if (r < 0.4) return `sshd[${s.pid}]: Failed password for root from ${s.ip} port ${port()} ssh2`;
    if (r < 0.7) return `sshd[${s.pid}]: Failed password for invalid user ${s.user} from ${s.ip} port ${port()} ssh2`;
    return `sshd[${s.pid}]: Invalid user ${s.user} from ${s.ip} port ${port()}`;
  }

  function noise() {
    const r = rand();
    const who = pick(staff);
    if (r < 0.2) return `sshd[${pid()}]: Accepted publickey for ${who.user} from ${who.ip} port ${port()} ssh2: ${who.key}`;
    if (r < 0.4) return `sshd[${pid()}]: pam_unix(sshd:session): session opened for user ${who.user}(uid=${who.uid}) by (uid=0)`;
    if (r < 0.5) return `sshd[${pid()}]: pam_unix(sshd:session): session closed for user ${who.user}`;
    if (r < 0.62) return `sshd[${pid()}]: Received disconnect from ${who.ip} port ${port()}:11: disconnected by user`;
    if (r < 0.82) return `CRON[${pid()}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)`;
    if (r < 0.9) return `CRON[${pid()}]: (root) CMD (/usr/local/bin/logban scan)`;
    return `sshd[${pid()}]: Connection closed by ${attackerIp()} port ${port()} [preauth]`;
  }

  return () => (rand() < 0.6 ? { attack: true, body: attack() } : { attack: false, body: noise() });
}

function stampOf(seconds) {
  const d = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

// Writes `size` bytes at most (whole lines) spread evenly over the 30 days before NOW: `next(stamp)`
// gives each line as { text, ... } and `count(item)` sees every line that was written.
function writeLines(path, size, stampAt, next, count) {
  const end = Date.parse(NOW) / 1000 - 1;
  const span = 30 * 86400;
  const fd = openSync(path, 'w');
  let bytes = 0, lines = 0;
  let parts = [], partBytes = 0, lastSecond = -1, stamp = '';
  try {
    for (;;) {
      // Time follows the byte position, so the last line lands just before NOW whatever the size.
      const second = Math.min(end, Math.floor(end - span + (bytes * span) / size));
      if (second !== lastSecond) { stamp = stampAt(second); lastSecond = second; }
      const item = next(stamp);
      if (bytes + item.text.length > size) break;
      count(item);
      parts.push(item.text);
      partBytes += item.text.length;
      bytes += item.text.length;
      lines++;
      if (partBytes >= 8 << 20) { writeSync(fd, parts.join(''), null, 'latin1'); parts = []; partBytes = 0; }
    }
    if (parts.length) writeSync(fd, parts.join(''), null, 'latin1');
  } finally {
    closeSync(fd);
  }
  return { bytes, lines };
}

function generateLog(path, size) {
  const next = createLineSource(SEED);
  const ips = new Set();
  let attackLines = 0;
  const line = (stamp) => { const { attack, body } = next(); return { text: `${stamp}${body}\n`, attack, body }; };
  const { bytes, lines } = writeLines(path, size, (second) => `${stampOf(second)} web1 `, line, ({ attack, body }) => {
    if (!attack) return;
    attackLines++;
    ips.add(body.slice(body.indexOf(' from ') + 6, body.indexOf(' port ')));
  });
  return { version: GENERATOR_VERSION, seed: SEED, size, bytes, lines, attackLines, distinctAttackerIps: ips.size };
}

// The nginx access log; `expect` holds how many lines each of the web jail's rules must match.
function generateAccessLog(path, size) {
  const ips = new Set();
  const expect = Object.fromEntries(WEB_RULES.map((r) => [r, 0]));
  let attackLines = 0, jailLines = 0;
  const { bytes, lines } = writeLines(path, size, accessStamp, createAccessLineSource(prng(ACCESS_SEED)), ({ attacker, rules }) => {
    if (attacker) { attackLines++; ips.add(attacker); }
    if (rules === 0) return;
    jailLines++;
    for (const r of WEB_RULES) if (rules & RULE_BITS[r]) expect[r]++;
  });
  return { version: ACCESS_GENERATOR_VERSION, seed: ACCESS_SEED, size, bytes, lines, attackLines, distinctAttackerIps: ips.size, jailLines, expect };
}

// Reuses a log generated earlier with the same generator, seed and size; otherwise writes it.
function prepareLog(path, metaPath, size, { version, seed, generate }) {
  let meta = null;
  try { meta = JSON.parse(readFileSync(metaPath, 'utf8')); } catch { /* no data yet */ }
  const reusable = meta && meta.version === version && meta.seed === seed && meta.size === size
    && existsSync(path) && statSync(path).size === meta.bytes;
  if (reusable) {
    log(`reusing ${path} (${fmtBytes(meta.bytes)}, ${meta.lines.toLocaleString('en')} lines)`);
    return { meta, fresh: false };
  }
  log(`generating ${path} (${fmtBytes(size)}) ...`);
  const t0 = performance.now();
  meta = generate(path, size);
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  log(`  ${meta.lines.toLocaleString('en')} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { meta, fresh: true };
}

// One jail over one log, on the "none" backend: a bench never touches a firewall.
function jailConfig(what, jail, path, rules) {
  return [
    `# Generated by bench/run.mjs: the bench jail over the generated ${what}; never touches a firewall.`,
    '[firewall]', 'backend = "none"', '',
    `[jails.${jail}]`, `logpath = ['${resolve(ROOT, path)}']`, `rules = [${rules.map((r) => `"${r}"`).join(', ')}]`,
    'findtime = "10m"', 'maxretry = 5', 'bantime = "1h"', '',
  ].join('\n');
}

function prepareData(size, webSize) {
  mkdirSync(DATA, { recursive: true });
  const { meta } = prepareLog(LOG, META, size, { version: GENERATOR_VERSION, seed: SEED, generate: generateLog });
  const web = prepareLog(ACCESS_LOG, ACCESS_META, webSize, { version: ACCESS_GENERATOR_VERSION, seed: ACCESS_SEED, generate: generateAccessLog });
  writeFileSync(CONFIG, jailConfig('sshd log', 'sshd', LOG, ['sshd']));
  // The worst case for a first run: with permanent bans no line is too old to matter.
  writeFileSync(PERMANENT_CONFIG, readFileSync(CONFIG, 'utf8').replace('bantime = "1h"', 'bantime = "permanent"'));
  writeFileSync(WEB_CONFIG, jailConfig('nginx access log', 'web', ACCESS_LOG, WEB_RULES));
  writeFileSync(WEB_GREP, `${webGrepPatterns().join('\n')}\n`);
  if (web.fresh || !existsSync(ACCESS_GZ)) gzipTo(ACCESS_LOG, ACCESS_GZ);
  return { meta, webMeta: web.meta };
}

// The fair grep for the web jail: the literals logban's prefilters for its rules look for (the
// bad-bot agents read from the rule's source), one ERE per line for `grep -E -f`.
function webGrepPatterns() {
  const source = readFileSync('src/rules/services/bad-bots.ts', 'utf8');
  const list = source.slice(source.indexOf('const HARVESTERS'), source.indexOf('export const BAD_BOT_WORDS'));
  const agents = [...list.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]);
  if (agents.length < 50) throw new Error('src/rules/services/bad-bots.ts: could not read the bad-bot agent list for the grep pattern');
  const ere = (text) => text.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
  return [...WP_GREP.split('|'), '" 404 ', ' https?://', ' HTTP://', 'CONNECT ', ...agents.map(ere)];
}

// gzip -c, into a temporary name first so that an interrupted run never leaves a short .gz behind.
function gzipTo(src, dest) {
  log(`gzip -c ${src} > ${dest} (untimed) ...`);
  const fd = openSync(`${dest}.part`, 'w');
  const r = spawnSync('gzip', ['-c', src], { stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  if (r.status !== 0) { rmSync(`${dest}.part`, { force: true }); return false; }
  renameSync(`${dest}.part`, dest);
  return true;
}

// ---------------------------------------------------------------- running

function log(text) { process.stderr.write(`${text}\n`); }

function findTool(name, candidates) {
  for (const p of candidates) if (existsSync(p)) return p;
  const r = spawnSync('bash', ['-c', 'command -v "$1"', 'bash', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

// One spawn. With `rss` the command runs under /usr/bin/time (untimed warm-up run only, so the
// wrapper's own fork/exec never lands in the timed figures).
function runOnce(m, rss) {
  m.before?.();
  const rssFile = join(os.tmpdir(), `logban-bench-rss-${process.pid}`);
  const argv = rss && TIME ? [TIME, '-f', '%M', '-o', rssFile, ...m.argv] : m.argv;
  const stdin = m.stdin ? openSync(m.stdin, 'r') : 'ignore';
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: ENV, stdio: [stdin, m.stdout ?? 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (typeof stdin === 'number') closeSync(stdin);
  const ok = r.error === undefined && (m.okStatus ?? [0]).includes(r.status);
  if (!ok) {
    const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.status}`);
    const detail = String(r.stderr ?? '').trim().split('\n').slice(-1)[0] ?? '';
    return { error: `${why}${detail ? `: ${detail}` : ''}` };
  }
  let rssKb = null;
  if (rss && TIME) {
    rssKb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    rmSync(rssFile, { force: true });
  }
  return { seconds, rssKb, stdout: r.stdout ? String(r.stdout) : '' };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };

// Runs are interleaved (round i of every command, then round i+1) so that background load
// drifting during the bench hits all commands alike and the ratios stay fair.
function measureAll(list, runs) {
  const results = list.map((m) => (m.missing ? { ...m, skipped: m.missing } : { ...m, times: [] }));
  const live = () => results.filter((r) => r.times && !r.error);
  for (const r of live()) {
    log(`${r.name}: warm-up${TIME ? ' + peak RSS' : ''}`);
    const warm = runOnce(r, true);
    if (warm.error) { r.error = warm.error; log(`  FAILED: ${warm.error}`); continue; }
    r.rssKb = warm.rssKb;
    r.output = warm.stdout.trim();
  }
  // Startup-sized commands (node -e 0, the no-op run) take ~0.1 s and swing by half of that from
  // run to run on a busy VM: they get more rounds (minRuns), interleaved with each other.
  const rounds = Math.max(runs, ...results.map((r) => r.minRuns ?? 0));
  for (let i = 0; i < rounds; i++) {
    for (const r of live().filter((m) => i < (m.maxRuns ?? Math.max(runs, m.minRuns ?? 0)))) {
      const once = runOnce(r, false);
      if (once.error) { r.error = once.error; log(`  ${r.name} FAILED: ${once.error}`); continue; }
      r.times.push(once.seconds);
      log(`  round ${i + 1}/${Math.max(runs, r.minRuns ?? 0)} ${r.name}: ${fmtSeconds(once.seconds)}`);
    }
  }
  for (const r of live()) Object.assign(r, { median: median(r.times), min: Math.min(...r.times) });
  return results;
}

// ---------------------------------------------------------------- formatting

const fmtBytes = (n) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
const fmtSeconds = (s) => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(3)} s`);
const fmtInt = (n) => Math.round(n).toLocaleString('en');
const shown = (argv) => argv.map((a) => (a === process.execPath ? 'node' : a.startsWith(ROOT) ? relative(ROOT, a) : a))
  .map((a) => (/[^\w./:=@%+-]/.test(a) ? `'${a}'` : a)).join(' ');

function machine() {
  const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const git = (args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const dirty = git(['status', '--porcelain', '--', 'src']) ? ', src has uncommitted changes' : '';
  return {
    model, cores: os.availableParallelism(), mem: fmtBytes(os.totalmem()),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version,
    logban: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} @ ${commit}${dirty}`,
  };
}

function table(results, meta) {
  const byName = new Map(results.map((r) => [r.name, r]));
  const rows = [
    '| Measurement | Command | Median | Min | Ratio | MiB/s | Lines/s |' + (TIME ? ' Peak RSS |' : ''),
    '|---|---|--:|--:|--:|--:|--:|' + (TIME ? '--:|' : ''),
  ];
  for (const r of results) {
    const cmd = `\`${shown(r.argv ?? []).replaceAll('|', '\\|')}${r.stdin ? ` < ${r.stdin}` : ''}\``;
    if (r.skipped || r.error) {
      rows.push(`| ${r.name} | ${r.skipped ? '—' : cmd} | ${r.skipped ?? `FAILED: ${r.error.replaceAll('|', '\\|')}`} | | | | |${TIME ? ' |' : ''}`);
      continue;
    }
    const base = r.ratioTo ? byName.get(r.ratioTo) : undefined;
    const ratio = base?.median ? `${(r.median / base.median).toFixed(2)}× ${r.ratioTo}` : '';
    const mibs = r.wholeFile ? ((r.bytes ?? meta.bytes) / 1024 ** 2 / r.median).toFixed(0) : '';
    const lps = r.wholeFile ? fmtInt((r.lines ?? meta.lines) / r.median) : '';
    const rss = TIME ? ` ${r.rssKb === null ? '' : `${(r.rssKb / 1024).toFixed(0)} MiB`} |` : '';
    rows.push(`| ${r.name} | ${cmd} | ${fmtSeconds(r.median)} | ${fmtSeconds(r.min)} | ${ratio} | ${mibs} | ${lps} |${rss}`);
  }
  return rows.join('\n');
}

function targets(results, meta) {
  const get = (n) => results.find((r) => r.name === n);
  const [node, noop, cold] = [get(NAMES.node), get(NAMES.noop), get(NAMES.cold)];
  const out = [];
  if (node?.median && noop?.median) {
    const ratio = noop.median / node.median;
    out.push(`${ratio <= 2 ? 'PASS' : 'FAIL'} — a run with no new log bytes takes at most 2× the wall time of \`node -e 0\`: `
      + `${fmtSeconds(noop.median)} vs ${fmtSeconds(node.median)} = ${ratio.toFixed(2)}×`);
  } else out.push(`FAIL — no-op scan ≤ 2× \`node -e 0\`: not measured (${noop?.error ?? node?.error ?? 'missing'})`);
  if (meta.size !== 100 * 1024 ** 2) out.push(`n/a — first run over a 100 MB sshd log under 2 s: this run used ${fmtBytes(meta.size)}; run with --size 100M`);
  else if (cold?.median) {
    const cores = os.availableParallelism();
    out.push(`${cold.median < 2 ? 'PASS' : 'FAIL'} — a first run over a 100 MB sshd log takes under 2 s on a 2-core machine: `
      + `${fmtSeconds(cold.median)} (median)${cores === 2 ? '' : `; note: this machine has ${cores} cores, not 2`}`);
  } else out.push(`FAIL — first run over 100 MB under 2 s: not measured (${cold?.error ?? 'missing'})`);
  const grep = get(NAMES.grep);
  if (cold?.median && grep?.median) {
    const ratio = cold.median / grep.median;
    out.push(`${ratio <= 2 ? 'PASS' : 'FAIL'} — cold scan at most 2.0× \`grep -cE\` (1.5× the aim): ${ratio.toFixed(2)}×`);
  }
  if (node?.median && noop?.median) {
    const ratio = noop.median / node.median;
    out.push(`${ratio <= 1.5 ? 'PASS' : 'FAIL'} — no-op cron run at most 1.5× \`node -e 0\`: ${ratio.toFixed(2)}×`);
  }
  if (cold?.rssKb) out.push(`${cold.rssKb / 1024 <= 150 ? 'PASS' : 'FAIL'} — peak RSS of the cold scan at most 150 MB: ${(cold.rssKb / 1024).toFixed(0)} MiB on ${fmtBytes(meta.size)}`);
  const [gz, zgrep, test] = [get(NAMES.gz), get(NAMES.zgrep), get(NAMES.test)];
  if (gz?.median && zgrep?.median) {
    const ratio = gz.median / zgrep.median;
    out.push(`${ratio <= 0.8 ? 'PASS' : 'FAIL'} — .gz at most 0.8× \`zcat | grep -cE\` (performance issue): ${ratio.toFixed(2)}×`);
  }
  if (gz?.median && zgrep?.median) {
    const ratio = gz.median / zgrep.median;
    out.push(`${ratio <= 1 ? 'PASS' : 'FAIL'} — reading a gzipped log costs no more wall time than \`zcat FILE \\| grep -cE\`: ${ratio.toFixed(2)}×`);
    if (gz.rssKb !== null && gz.rssKb !== undefined) {
      const mib = gz.rssKb / 1024;
      const scaled = meta.size >= 1024 ** 3 ? '' : ` (this run used ${fmtBytes(meta.size)}; the target is for 1 GB)`;
      out.push(`${mib < 150 ? 'PASS' : 'FAIL'} — peak RSS under 150 MB while reading the .gz: ${mib.toFixed(0)} MiB${scaled}`);
    }
  } else out.push(`FAIL — .gz vs zcat | grep: not measured (${gz?.error ?? zgrep?.error ?? 'missing'})`);
  // In lines per second, so a slow tool may run on a slice of the log.
  const lps = (r) => (r.lines ?? meta.lines) / r.median;
  for (const [tool, factor] of [['sshg-parser (sshguard)', 10], ['fail2ban-regex', 100]]) {
    const other = get(tool);
    for (const mine of [cold, test]) {
      if (!mine?.median || !other?.median) { out.push(`n/a — ${mine?.name ?? 'logban'} ≥ ${factor}× ${tool} in lines/s: ${other?.skipped ?? other?.error ?? mine?.skipped ?? mine?.error ?? 'not measured'}`); continue; }
      const speedup = lps(mine) / lps(other);
      out.push(`${speedup >= factor ? 'PASS' : 'FAIL'} — ${mine.name} at least ${factor}× ${tool} in lines per second: ${speedup.toFixed(1)}×`);
    }
  }
  return out;
}

// The header's lines about the access log: what was generated, and what logban and grep counted in it.
function webHeader(webMeta, first, results) {
  const get = (n) => results.find((r) => r.name === n);
  const pct = (n) => ((100 * n) / webMeta.lines).toFixed(1);
  const counted = (r) => {
    const m = /Lines: ([\d,]+) lines, [\d,]+ ignored, ([\d,]+) matched/.exec(r?.output ?? '');
    return m ? `${m[2]} of ${m[1]} lines` : `? (${r?.error ?? r?.skipped ?? 'no count printed'})`;
  };
  const gzSize = existsSync(ACCESS_GZ) ? `, gzipped copy \`${ACCESS_GZ}\` ${fmtBytes(statSync(ACCESS_GZ).size)}` : '';
  return [
    `- Access log: \`${ACCESS_LOG}\` (nginx "combined", a WordPress site), ${fmtBytes(webMeta.bytes)} (${fmtInt(webMeta.bytes)} bytes), ${fmtInt(webMeta.lines)} lines, `
      + `${pct(webMeta.attackLines)} % attack lines (${pct(webMeta.jailLines)} % matched by the web jail's rules), ${fmtInt(webMeta.distinctAttackerIps)} distinct attacker IPs `
      + `(~10 % IPv6), the same 30 days (seed ${webMeta.seed})${gzSize}`,
    `- Lines the access-log generator wrote for each rule: ${WEB_RULES.map((r) => `${r} ${fmtInt(webMeta.expect[r])}`).join(', ')}`,
    `- Web config: \`${WEB_CONFIG}\` (backend none, jail web: ${WEB_RULES.join(', ')}; findtime 10m, maxretry 5, bantime 1h); `
      + `\`${WEB_GREP}\`: the literals these rules' prefilters look for, one ERE a line`,
    first.error
      ? `- Access-log first scan FAILED: ${first.error}`
      : `- Access-log first scan: ${fmtInt(first.linesRead)} lines read, ${first.newBans} new bans (bans still in force at --now)`,
    `- Access-log counts: logban test wordpress matched ${counted(get(NAMES.webTest))} (.gz: ${counted(get(NAMES.webGz))}); `
      + `grep counted ${get(NAMES.wpGrep)?.output || '?'} lines with the wordpress literals, ${get(NAMES.webGrep)?.output || '?'} with the web jail's`,
  ];
}

function webTargets(results, webMeta) {
  const get = (n) => results.find((r) => r.name === n);
  const [cold, grep] = [get(NAMES.webCold), get(NAMES.webGrep)];
  const out = [];
  if (cold?.median && grep?.median) {
    const ratio = cold.median / grep.median;
    out.push(`${ratio <= 2 ? 'PASS' : 'FAIL'} — access-log first run at most 2.0× \`grep -cE\` over the web jail's literals: ${ratio.toFixed(2)}×`);
  } else out.push(`FAIL — access-log first run ≤ 2.0× grep: not measured (${cold?.error ?? grep?.error ?? 'missing'})`);
  if (cold?.rssKb) {
    const mib = cold.rssKb / 1024;
    out.push(`${mib <= 150 ? 'PASS' : 'FAIL'} — peak RSS of the access-log first run at most 150 MB: ${mib.toFixed(0)} MiB on ${fmtBytes(webMeta.bytes)}`);
  }
  return out;
}

// ---------------------------------------------------------------- measurements

const NAMES = {
  node: 'node -e 0', noop: 'logban scan, no new bytes', cold: 'logban scan, first run', grep: 'grep -cE',
  coldAll: 'logban scan, first run, permanent bans (every line matched)',
  test: 'logban test (sshd rule)', gz: 'logban scan, catching up on a rotated .gz', zgrep: 'zcat + grep -cE',
  webCold: 'access log: logban scan, first run', webGrep: 'access log: grep -cE (jail literals)',
  webTest: 'access log: logban test wordpress', wpGrep: 'access log: grep -cE (wordpress literals)',
  webGz: 'access log .gz: logban test wordpress', wpZgrep: 'access log .gz: zcat + grep -cE',
  test1: 'logban test (sshd rule), one thread',
  stats: 'logban stats (sshd rule)', stats1: 'logban stats (sshd rule), one thread', statsPipe: 'grep -oE | awk | sort | uniq -c | sort -rn',
  statsGz: 'logban stats of the .gz', statsGzPipe: 'zcat | grep -oE | awk | sort | uniq -c | sort -rn',
};

// The shell pipeline that answers the question \`logban stats\` answers: failure lines per address,
// most first (the bench log's failure lines are sshd's "Failed password" and "Invalid user"),
// written to be quick: the C locale throughout (sort is several times faster in it), a plain
// grep for the lines, then -o for the address after the last words sshd wrote.
const STATS_ERE = ': (Failed password for|Invalid user) ';
const statsPipeline = (input) => `export LC_ALL=C; ${input} | grep -E '${STATS_ERE}' | grep -oE 'from [0-9a-fA-F.:]+ port' | awk '{print $2}' | sort | uniq -c | sort -rn | head -n 10`;

// Every line matters: \`test\`, \`stats\` (plain and gzipped) and their pipelines; one-thread runs beside.
function everyLineMeasurements() {
  const node = process.execPath;
  const gz = `${ROT}/auth.log.1.gz`;
  return [
    { name: NAMES.test1, argv: [node, 'bin/logban.js', 'test', LOG, 'sshd', '--threads', '1'], wholeFile: true, ratioTo: NAMES.test },
    { name: NAMES.stats, argv: [node, 'bin/logban.js', 'stats', LOG], stdout: 'pipe', wholeFile: true, ratioTo: NAMES.statsPipe },
    { name: NAMES.stats1, argv: [node, 'bin/logban.js', 'stats', LOG, '--threads', '1'], wholeFile: true, ratioTo: NAMES.stats },
    { name: NAMES.statsPipe, argv: ['bash', '-c', statsPipeline(`cat ${LOG}`)], stdout: 'pipe', wholeFile: true },
    { name: NAMES.statsGz, argv: [node, 'bin/logban.js', 'stats', gz], stdout: 'pipe', wholeFile: true, ratioTo: NAMES.statsGzPipe },
    { name: NAMES.statsGzPipe, argv: ['bash', '-c', statsPipeline(`zcat ${gz}`)], stdout: 'pipe', wholeFile: true },
  ];
}

// The top counts of logban stats and of the pipeline, side by side: the same question answered alike.
function sameTop(stats, pipe) {
  const mine = [...(stats?.output ?? '').matchAll(/^ +(\d+) {2}(\S+)$/gm)].slice(0, 10).map((m) => Number(m[1]));
  const theirs = [...(pipe?.output ?? '').matchAll(/^ *(\d+) (\S+)$/gm)].map((m) => Number(m[1]));
  return mine.length > 0 && mine.join(',') === theirs.join(',');
}

function everyLineTargets(results, meta) {
  const get = (n) => results.find((r) => r.name === n);
  const out = [];
  const ratio = (a, b) => (a?.median && b?.median ? a.median / b.median : null);
  const line = (ok, text) => out.push(`${ok ? 'PASS' : 'FAIL'} — ${text}`);
  const [coldAll, grep, test, stats, pipe, statsGz, gzPipe] = [NAMES.coldAll, NAMES.grep, NAMES.test, NAMES.stats, NAMES.statsPipe, NAMES.statsGz, NAMES.statsGzPipe].map(get);
  const r1 = ratio(coldAll, grep);
  if (r1 !== null) line(r1 <= 4, `permanent-bans first scan at most 4× \`grep -cE\` (aim 2×): ${r1.toFixed(2)}×`);
  const lps = (r) => (r.lines ?? meta.lines) / r.median;
  for (const [tool, factor] of [['sshg-parser (sshguard)', 4], ['fail2ban-regex', 150]]) {
    const other = get(tool);
    if (test?.median && other?.median) line(lps(test) / lps(other) >= factor, `\`logban test auth.log sshd\` at least ${factor}× ${tool} in lines per second: ${(lps(test) / lps(other)).toFixed(1)}×`);
    else out.push(`n/a — logban test ≥ ${factor}× ${tool}: ${other?.skipped ?? other?.error ?? 'not measured'}`);
  }
  const r2 = ratio(stats, pipe);
  if (r2 !== null) line(r2 <= 1, `\`logban stats\` at most 1.0× the pipeline that answers the same question: ${r2.toFixed(2)}× (same top counts: ${sameTop(stats, pipe) ? 'yes' : 'NO'})`);
  const r3 = ratio(statsGz, gzPipe);
  if (r3 !== null) line(r3 <= 1, `\`logban stats\` of the .gz at most 1.0× the same pipeline behind \`zcat\`: ${r3.toFixed(2)}× (same top counts: ${sameTop(statsGz, gzPipe) ? 'yes' : 'NO'})`);
  for (const r of [coldAll, test, stats, statsGz]) if (r?.rssKb) line(r.rssKb / 1024 <= 150, `peak RSS of ${r.name} at most 150 MiB: ${(r.rssKb / 1024).toFixed(0)} MiB`);
  return out;
}

// The access-log figures: the web jail's first run and `logban test` with the wordpress rule, plain
// and gzipped, each against a grep for the literals the same rules look for.
function webMeasurements(webMeta) {
  const node = process.execPath;
  const whole = { wholeFile: true, bytes: webMeta.bytes, lines: webMeta.lines };
  const grep = { okStatus: [0, 1], stdout: 'pipe', ...whole };
  return [
    {
      name: NAMES.webCold, argv: [node, 'bin/logban.js', 'scan', '--config', WEB_CONFIG, '--state-dir', WEB_COLD_DIR, '--now', NOW, '--json'],
      ratioTo: NAMES.webGrep, before: () => rmSync(WEB_COLD_DIR, { recursive: true, force: true }), ...whole,
    },
    { name: NAMES.webGrep, argv: ['env', 'LC_ALL=C', 'grep', '-cE', '-f', WEB_GREP, ACCESS_LOG], ...grep },
    { name: NAMES.webTest, argv: [node, 'bin/logban.js', 'test', ACCESS_LOG, 'wordpress'], stdout: 'pipe', ratioTo: NAMES.wpGrep, ...whole },
    { name: NAMES.wpGrep, argv: ['env', 'LC_ALL=C', 'grep', '-cE', WP_GREP, ACCESS_LOG], ...grep },
    { name: NAMES.webGz, argv: [node, 'bin/logban.js', 'test', ACCESS_GZ, 'wordpress'], stdout: 'pipe', ratioTo: NAMES.wpZgrep, ...whole },
    { name: NAMES.wpZgrep, argv: ['bash', '-c', `zcat ${ACCESS_GZ} | LC_ALL=C grep -cE '${WP_GREP}'`], ...grep },
  ];
}

// The list of named measurements. To add a figure, add an entry: argv (no shell unless a pipe is
// what is measured: ['bash', '-c', 'zcat f.gz | grep -c x']), optional stdin file, before() for
// untimed per-run setup, okStatus, stdout ('pipe' to collect it; default /dev/null), wholeFile (adds MiB/s and lines/s), ratioTo (another entry's name),
// missing (a reason to print instead of running).
function measurements(webMeta) {
  const node = process.execPath;
  const scanWith = (config, stateDir, ...extra) => [node, 'bin/logban.js', 'scan', '--config', config, '--state-dir', stateDir, '--now', NOW, ...extra];
  const scan = (stateDir, ...extra) => scanWith(CONFIG, stateDir, ...extra);
  const coldDir = `${DATA}/state-cold`;
  const sshg = findTool('sshg-parser', ['/usr/libexec/sshguard/sshg-parser', '/usr/lib/sshguard/sshg-parser', '/usr/local/libexec/sshguard/sshg-parser']);
  const f2b = findTool('fail2ban-regex', []);
  const f2bFilter = existsSync('/etc/fail2ban/filter.d/sshd.conf') ? '/etc/fail2ban/filter.d/sshd.conf' : 'sshd';
  const gzDir = `${ROT}/state-gz`;
  const hasTest = spawnSync(node, ['bin/logban.js', 'help'], { cwd: ROOT, encoding: 'utf8' }).stdout.includes('\n  test ');
  return [
    { name: NAMES.node, argv: [node, '-e', '0'], minRuns: 21 },
    { name: NAMES.noop, argv: scan(`${DATA}/state-noop`), ratioTo: NAMES.node, minRuns: 21 },
    {
      name: NAMES.cold, argv: scan(coldDir, '--json'), wholeFile: true, ratioTo: NAMES.grep,
      before: () => rmSync(coldDir, { recursive: true, force: true }),
    },
    {
      name: NAMES.coldAll, argv: scanWith(PERMANENT_CONFIG, `${coldDir}-all`, '--json'), wholeFile: true, ratioTo: NAMES.grep,
      before: () => rmSync(`${coldDir}-all`, { recursive: true, force: true }),
    },
    // stdout is a pipe: GNU grep stops at the first match when its output is /dev/null.
    {
      name: NAMES.grep, argv: ['env', 'LC_ALL=C', 'grep', '-cE', '(Failed password|Invalid user)', LOG],
      okStatus: [0, 1], stdout: 'pipe', wholeFile: true,
    },
    hasTest
      ? { name: NAMES.test, argv: [node, 'bin/logban.js', 'test', LOG, 'sshd'], wholeFile: true, ratioTo: NAMES.grep }
      : { name: NAMES.test, missing: 'this build has no test command' },
    {
      name: NAMES.gz, argv: scanWith(ROT_CONFIG, gzDir, '--json'), wholeFile: true, ratioTo: NAMES.zgrep,
      before: () => { rmSync(gzDir, { recursive: true, force: true }); cpSync(`${ROT}/state-base`, gzDir, { recursive: true }); },
    },
    {
      name: NAMES.zgrep, argv: ['bash', '-c', `zcat ${ROT}/auth.log.1.gz | LC_ALL=C grep -cE 'Failed password|Invalid user'`],
      okStatus: [0, 1], stdout: 'pipe', wholeFile: true,
    },
    ...webMeasurements(webMeta),
    ...everyLineMeasurements(),
    sshg
      ? { name: 'sshg-parser (sshguard)', argv: [sshg], stdin: LOG, wholeFile: true, ratioTo: NAMES.test, maxRuns: 1 }
      : { name: 'sshg-parser (sshguard)', missing: 'not installed' },
    f2b
      ? { name: 'fail2ban-regex', argv: [f2b, SLICE, f2bFilter], wholeFile: true, maxRuns: 1, ...sliceMeta() }
      : { name: 'fail2ban-regex', missing: 'not installed' },
  ];
}

// The .gz measurement: a log that a previous run read one line of, then logrotate compressed
// (auth.log.1.gz) and replaced by an empty file. The timed scan catches up on the whole .gz.
// fail2ban-regex reads about 10,000 lines a second here: it gets the first 20 MiB of the log,
// and is compared in lines per second.
const SLICE = `${DATA}/auth.slice.log`;
const SLICE_BYTES = 20 * 1024 ** 2;
let slice = null;
function sliceMeta() {
  if (!slice) {
    const fd = openSync(LOG, 'r');
    const buf = Buffer.alloc(SLICE_BYTES);
    const n = readSync(fd, buf, 0, SLICE_BYTES, 0);
    closeSync(fd);
    const end = buf.lastIndexOf(10, n - 1) + 1;
    writeFileSync(SLICE, buf.subarray(0, end));
    let lines = 0;
    for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) lines++;
    slice = { bytes: end, lines };
  }
  return slice;
}
const ROT = `${DATA}/rot`;
const ROT_CONFIG = `${DATA}/rot.toml`;
function prepareGzip() {
  rmSync(ROT, { recursive: true, force: true });
  mkdirSync(ROT, { recursive: true });
  const first = readFileSync(LOG).subarray(0, 4096);
  writeFileSync(`${ROT}/auth.log`, first.subarray(0, first.indexOf(10) + 1));
  writeFileSync(ROT_CONFIG, readFileSync(CONFIG, 'utf8').replace(resolve(ROOT, LOG), resolve(ROOT, `${ROT}/auth.log`)));
  const base = spawnSync(process.execPath, ['bin/logban.js', 'scan', '--config', ROT_CONFIG, '--state-dir', `${ROT}/state-base`, '--now', NOW], { cwd: ROOT, env: ENV });
  if (base.status !== 0) return { error: `first scan of ${ROT}/auth.log failed` };
  if (!gzipTo(LOG, `${ROT}/auth.log.1.gz`)) return { error: 'gzip failed' };
  rmSync(`${ROT}/auth.log`);
  writeFileSync(`${ROT}/auth.log`, '');
  return {};
}

// An untimed first scan into `dir` (the no-op measurement needs one that has consumed the whole
// sshd log; the access log's gives the header its line and ban counts).
function firstScan(config, dir) {
  rmSync(dir, { recursive: true, force: true });
  const argv = [process.execPath, 'bin/logban.js', 'scan', '--config', config, '--state-dir', dir, '--now', NOW, '--json'];
  log(`logban: first scan of ${config} into ${dir} (untimed) ...`);
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) return { error: `${r.error?.message ?? `exit ${r.status}`}: ${(r.stderr ?? '').trim().split('\n').pop()}` };
  try {
    const j = JSON.parse(r.stdout);
    return { linesRead: j.files.reduce((n, f) => n + f.linesRead, 0), endOffset: j.files[0]?.endOffset, newBans: j.newBans.length, activeBans: j.activeBans };
  } catch (e) {
    return { error: `scan --json printed no JSON object: ${e.message}` };
  }
}

// The CLI must start before anything is timed; names the build that bin/logban.js loads.
function checkBuild() {
  const r = spawnSync(process.execPath, ['bin/logban.js', '--help'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`node bin/logban.js --help failed (${(r.stderr ?? '').trim().split('\n')[0]}): build first (npm run build)`);
  }
  const target = /import\s+['"]([^'"]+)['"]/.exec(readFileSync('bin/logban.js', 'utf8'))?.[1];
  const file = target ? join('bin', target) : null;
  return file && existsSync(file) ? `${relative(ROOT, resolve(ROOT, file))} built ${statSync(file).mtime.toISOString().replace(/\.\d+Z$/, 'Z')}` : 'unknown build';
}

function cleanup() {
  for (const p of [LOG, META, CONFIG, PERMANENT_CONFIG, SLICE, `${DATA}/state-cold-all`, ROT, ROT_CONFIG, `${DATA}/state-noop`, `${DATA}/state-cold`,
    ACCESS_LOG, ACCESS_META, ACCESS_GZ, `${ACCESS_GZ}.part`, WEB_CONFIG, WEB_GREP, WEB_COLD_DIR, WEB_FIRST_DIR]) rmSync(p, { recursive: true, force: true });
  try { if (readdirSync(DATA).length === 0) rmdirSync(DATA); } catch { /* already gone */ }
}

// ---------------------------------------------------------------- main

function main() {
  const flags = readFlags();
  process.chdir(ROOT);
  const build = checkBuild();
  const { meta, webMeta } = prepareData(flags.size, flags.webSize);
  const warm = firstScan(CONFIG, `${DATA}/state-noop`);
  const gz = prepareGzip();
  if (gz.error) log(`  FAILED: ${gz.error}`);
  if (flags.dataOnly) { log(`data in ${DATA}; nothing measured (--data-only)`); return; }
  if (warm.error) log(`  FAILED: ${warm.error}`);
  const webFirst = firstScan(WEB_CONFIG, WEB_FIRST_DIR);
  rmSync(WEB_FIRST_DIR, { recursive: true, force: true });
  if (webFirst.error) log(`  FAILED: ${webFirst.error}`);
  const list = measurements(webMeta).map((m) => (m.name === NAMES.noop && warm.error ? { ...m, missing: `FAILED (warm-up scan): ${warm.error}` } : m));
  const loadBefore = os.loadavg()[0];
  const results = measureAll(list, flags.runs);
  const sliceNote = slice ? `- fail2ban-regex runs once on the first ${fmtBytes(slice.bytes)} (${fmtInt(slice.lines)} lines) of the log and is compared in lines per second` : '';
  const mc = machine();
  const attackPct = ((100 * meta.attackLines) / meta.lines).toFixed(1);
  const doc = [
    '# logban benchmark', '',
    `Generated by \`node bench/run.mjs --size ${flags.sizeText}${flags.webSizeText ? ` --web-size ${flags.webSizeText}` : ''} --runs ${flags.runs}\``
      + ' (`npm run bench`); a script, not a test.', '',
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- CPU: ${mc.model}, ${mc.cores} cores; RAM ${mc.mem}; ${mc.kernel}; 1-min load average ${loadBefore.toFixed(2)} before the runs, ${os.loadavg()[0].toFixed(2)} after`,
    `- Node ${mc.node}; logban ${mc.logban} (${build})`,
    `- Data: \`${LOG}\`, ${fmtBytes(meta.bytes)} (${fmtInt(meta.bytes)} bytes), ${fmtInt(meta.lines)} lines, `
      + `${attackPct} % attack lines, ${fmtInt(meta.distinctAttackerIps)} distinct attacker IPs (~10 % IPv6), 30 days ending ${NOW} (seed ${SEED})`,
    `- logban config: \`${CONFIG}\` (backend none, jail sshd, findtime 10m, maxretry 5, bantime 1h), \`--now ${NOW}\`, TZ=UTC`,
    warm.error
      ? `- Warm-up scan FAILED: ${warm.error}`
      : `- First scan: ${fmtInt(warm.linesRead)} lines read, ${warm.newBans} new bans (bans still in force at --now), end offset ${fmtInt(warm.endOffset ?? 0)}`
        + `; grep counted ${results.find((r) => r.name === NAMES.grep)?.output || '?'} matching lines`,
    ...webHeader(webMeta, webFirst, results),
    `- Method: each command run ${flags.runs}× (node -e 0 and the no-op run ${Math.max(flags.runs, 21)}×) after 1 untimed warm-up (page cache warm), rounds interleaved across commands; wall time around spawnSync; `
      + (TIME ? 'peak RSS from `/usr/bin/time -f %M` on the warm-up run' : 'no RSS column (/usr/bin/time not installed)')
      + '; the first-run scan gets a fresh empty state dir before every run (outside the timed part), stdout to /dev/null', '',
    sliceNote, '',
    '## Targets (from the issue)', '',
    ...[...targets(results, meta), ...webTargets(results, webMeta)].map((t) => `- ${t}`), '',
    '## Every line matched', '',
    `Big plain logs are read on ${os.availableParallelism()} threads (\`--threads\`); the one-thread rows beside show what the threads add.`, '',
    ...everyLineTargets(results, meta).map((t) => `- ${t}`), '',
    '## Measurements', '',
    table(results, meta), '',
  ].join('\n');
  process.stdout.write(`${doc}\n`);
  mkdirSync(dirname(resolve(ROOT, flags.out)), { recursive: true });
  writeFileSync(resolve(ROOT, flags.out), doc);
  log(`wrote ${flags.out}`);
  // Many bans (the state of a host that keeps them: permanent bans of the whole log), appended to the same file.
  spawnSync(process.execPath, ['bench/many-bans.mjs', '--log', LOG, '--runs', String(Math.max(flags.runs, 21)), '--append', flags.out], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!flags.keep) cleanup();
  // The firewall step (5,000 bans per backend; root only, in a network namespace of its own), appended to the same file.
  spawnSync(process.execPath, ['bench/firewall.mjs', '--runs', String(flags.runs), '--append', flags.out], { stdio: ['ignore', 'inherit', 'inherit'] });
}

try {
  main();
} catch (e) {
  log(`bench: ${e.message}`);
  process.exitCode = 1;
}

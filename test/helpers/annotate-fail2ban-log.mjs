#!/usr/bin/env node
// Writes the "# expect:" lines of fixtures/fail2ban/logs/*.log from what Debian's fail2ban-regex
// finds in each log line with the fixture's filter (headers "# scenario:" and "# filter:"), read
// from /etc/fail2ban with the scenario's files laid over it (and "# reference:", a filter of an
// older fail2ban, copied into its filter.d). Run after changing a fixture:
//   node test/helpers/annotate-fail2ban-log.mjs fixtures/fail2ban/logs/seed-guide.nginx-noscript.log ...
// The test (test/cli/import-fail2ban.test.ts) checks the annotations against fail2ban-regex again.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function overlay(from, to) {
  for (const name of readdirSync(from)) {
    if (name === 'COPY') continue;
    const src = join(from, name);
    if (statSync(src).isDirectory()) { mkdirSync(join(to, name), { recursive: true }); overlay(src, join(to, name)); } else copyFileSync(src, join(to, name));
  }
}

function scenarioDir(scenario, reference) {
  const dir = join(mkdtempSync(join(tmpdir(), 'logban-f2b-')), 'fail2ban');
  cpSync('/etc/fail2ban', dir, { recursive: true });
  const fixture = join(ROOT, 'fixtures/fail2ban', scenario);
  overlay(fixture, dir);
  if (existsSync(join(fixture, 'COPY'))) {
    for (const line of readFileSync(join(fixture, 'COPY'), 'utf8').split('\n').filter((l) => l.trim())) {
      const [dest, src] = line.trim().split(/\s+/);
      copyFileSync(join(dir, src), join(dir, dest));
    }
  }
  if (reference) copyFileSync(join(ROOT, 'fixtures/fail2ban', reference), join(dir, 'filter.d', reference.split('/').pop()));
  return dir;
}

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const header = Object.fromEntries([...text.matchAll(/^# (scenario|filter|reference): (.+)$/gm)].map((m) => [m[1], m[2].trim()]));
  const lines = text.split('\n').filter((l) => !l.startsWith('# expect:'));
  const r = spawnSync('fail2ban-regex', ['-c', scenarioDir(header.scenario, header.reference), '--usedns=no', '-o', '<ip>\t<time>\t<msg>', file, header.filter], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  if (r.status !== 0) throw new Error(`fail2ban-regex failed on ${file}: ${r.stderr}`);
  const found = new Map();
  for (const l of r.stdout.split('\n').filter((x) => x.includes('\t'))) {
    const [ip, time, ...rest] = l.split('\t');
    const line = rest.join('\t');
    found.set(line, [...(found.get(line) ?? []), { ip, time: Number(time) }]);
  }
  const out = [];
  for (const line of lines) {
    if (line.startsWith('#') || line.trim() === '') { out.push(line); continue; }
    const m = found.get(line)?.shift();
    const year = /(?:^|\D)(?:19|20)\d\d(?:\D|$)/.test(line);
    out.push(`# expect: ${m ? JSON.stringify(year ? { ip: m.ip, time: new Date(m.time * 1000).toISOString().replace('.000Z', 'Z') } : { ip: m.ip }) : 'none'}`, line);
  }
  writeFileSync(file, out.join('\n').replace(/\n*$/, '\n'));
  console.log(`${file}: ${out.filter((l) => l.startsWith('# expect: {')).length} matches`);
}

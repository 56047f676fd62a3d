import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/build.js';
import { canonicalIp } from '../../src/core/ip.js';
import { matchLine } from '../../src/core/match.js';
import { createKeyer, createShields } from '../../src/core/shields.js';
import { makeSandbox, ROOT } from '../helpers/cli.js';

// fixtures/windows/*.log: sshd lines, each under a "# key:" line naming the window its failure
// counts in; headers give the [defaults] lines of the config ("# defaults:"), the host's own
// addresses ("# host:") and the time of the scan ("# now:"); "# ban:" lines, the bans a scan of
// the whole file makes (target, failures, the block's addresses).
type WindowFixture = { file: string; now: string; defaults: string[]; host: string[]; cases: { lineNo: number; line: string; key: string }[]; bans: string[] };

function readWindowFixture(path: string): WindowFixture {
  const out: WindowFixture = { file: path, now: '', defaults: [], host: [], cases: [], bans: [] };
  let key: string | undefined;
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    const meta = /^# (now|defaults|host|key|ban): (.+)$/.exec(line);
    if (meta) {
      const [, name, value] = meta as unknown as [string, string, string];
      if (name === 'now') out.now = value;
      if (name === 'defaults') out.defaults.push(value);
      if (name === 'host') out.host.push(...value.split(/,\s*/));
      if (name === 'ban') out.bans.push(value);
      if (name === 'key') {
        if (key !== undefined) throw new Error(`${path}:${i + 1}: two key lines in a row`);
        key = value;
      }
      return;
    }
    if (line.startsWith('#') || line.trim() === '') return;
    if (key === undefined) throw new Error(`${path}:${i + 1}: a log line without a key line`);
    out.cases.push({ lineNo: i + 1, line, key });
    key = undefined;
  });
  return out;
}

const configText = (f: WindowFixture) => `[defaults]\n${f.defaults.join('\n')}\n[firewall]\nbackend = "none"\n[jails.sshd]\nlogpath = ["$DIR/auth.log"]\nrules = ["sshd"]\n`;
const dir = join(ROOT, 'fixtures/windows');

for (const name of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
  const f = readWindowFixture(join(dir, name));
  describe(`windows of fixtures/windows/${name}`, () => {
    const built = buildConfig(configText(f), '/etc/logban/logban.toml', () => false);
    if (!built.ok) throw new Error(`${name}: ${built.error.message}`);
    const jail = built.value.jails[0]!;
    const keyOf = createKeyer(jail, createShields(built.value.jails, f.host)(jail.name));

    it('has lines of both families under their keys', () => {
      expect(f.cases.some((c) => c.key.includes(':'))).toBe(true);
      expect(f.cases.some((c) => !c.key.includes(':'))).toBe(true);
    });

    for (const c of f.cases) {
      it(`line ${c.lineNo}: ${c.key}`, () => {
        const v = matchLine(c.line, jail.matcher);
        expect(v.kind).toBe('match');
        const ip = v.kind === 'match' ? canonicalIp(v.ip) : null;
        expect(ip && keyOf(ip)).toBe(c.key);
      });
    }

    // The host's own addresses cannot be given to a scan: a file that names some is checked by its keys alone.
    it.skipIf(f.host.length > 0 || f.bans.length === 0)('a scan of the whole file bans the blocks and addresses it names', () => {
      const sb = makeSandbox(configText(f));
      sb.append('auth.log', `${f.cases.map((c) => c.line).join('\n')}\n`);
      const bans = sb.json(f.now).newBans.map((b) => [b.ip, b.failures, ...(b.addresses ? [b.addresses.join(',')] : [])].join(' '));
      expect(bans.sort()).toEqual([...f.bans].sort());
    });
  });
}

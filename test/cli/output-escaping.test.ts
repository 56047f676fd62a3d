import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

// Attacker text (a user name in a failed login, a file name in a log directory) reaches every
// output with its control, bidi and invisible characters escaped, in text and in JSON alike.
const EVIL = ['\u001b', '\u0007', '\u202e', '\u2066', '\u0085', '\u009b', '\u007f', '\u2028'] as const;
const SHOWN = ['\\x1b', '\\x07', '\\u202e', '\\u2066', '\\x85', '\\x9b', '\\x7f', '\\u2028'] as const;
const IN_JSON = ['\\u001b', '\\u0007', '\\u202e', '\\u2066', '\\u0085', '\\u009b', '\\u007f', '\\u2028'] as const;
const USER = `a${EVIL.join('x')}z`;
// Any raw character of the escaped set except the newline (tab is kept as it is).
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
const IP = '203.0.113.50';
const NOW = '2026-11-21T09:45:00Z';
// The log's own name carries the characters too (TOML escapes: the config file itself stays clean).
const LOG_TOML = 'auth\\u001B\\u202E\\u0085.log';
const LOG_NAME = 'auth\u001b\u202e\u0085.log';

const CONFIG = `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"

[firewall]
backend = "none"

[jails.evil]
logpath = ["$DIR/${LOG_TOML}"]
failregex = ['Failed password for invalid user [^ ]+ from <HOST> port']
`;

const failure = (time: string) => `Nov 21 ${time} web1 sshd[1234]: Failed password for invalid user ${USER} from ${IP} port 5555 ssh2\n`;

function sandbox() {
  const sb = makeSandbox(CONFIG);
  sb.append(LOG_NAME, failure('09:41:02') + failure('09:41:05') + failure('09:41:09'));
  return sb;
}

function expectSafe(text: string, escapes: readonly string[] = SHOWN): void {
  const raw = RAW.exec(text);
  expect(raw, raw ? `raw U+${raw[0].codePointAt(0)!.toString(16)} at ${raw.index}: ${JSON.stringify(text.slice(Math.max(0, raw.index - 40), raw.index + 10))}` : '').toBeNull();
  for (const e of escapes) expect(text).toContain(e);
}

const common = (sb: ReturnType<typeof sandbox>) => ['--config', sb.config, '--state-dir', sb.stateDir, '--now', NOW];

describe('every output escapes control, bidi and C1 characters', () => {
  it('the log line and its file name are really there, raw, for the test to mean anything', () => {
    const sb = sandbox();
    expect(readdirSync(sb.dir)).toContain(LOG_NAME);
    expect(RAW.test(failure('09:41:02'))).toBe(true);
  });

  it('scan --json: escaped in the JSON text, the original after parsing', () => {
    const sb = sandbox();
    const r = runCli(['scan', '--json', '--dry-run', ...common(sb)]);
    expect(r.code).toBe(0);
    expectSafe(r.stdout, IN_JSON);
    const out = JSON.parse(r.stdout) as { newBans: { ip: string; evidence: string[] }[]; files: { path: string }[] };
    expect(out.newBans.map((b) => b.ip)).toEqual([IP]);
    expect(out.newBans[0]!.evidence).toEqual([failure('09:41:02'), failure('09:41:05'), failure('09:41:09')].map((l) => l.trimEnd()));
    expect(out.files[0]!.path).toBe(sb.path(LOG_NAME));
  });

  it('scan text report (and --verbose with the file list)', () => {
    const sb = sandbox();
    const r = runCli(['scan', '--verbose', ...common(sb)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Banned`);
    expectSafe(r.stdout);
    expect(r.stdout).toContain(`auth\\x1b\\u202e\\x85.log: 3 lines`);
  });

  it('status and status --json, report and report --json after the ban', () => {
    const sb = sandbox();
    expect(runCli(['scan', ...common(sb)]).code).toBe(0);
    const status = runCli(['status', ...common(sb)]);
    expect(status.stdout).toContain(`${IP}  jail evil`);
    expectSafe(status.stdout, ['\\x1b', '\\u202e', '\\x85']);
    const statusJson = runCli(['status', '--json', ...common(sb)]);
    expectSafe(statusJson.stdout, ['\\u001b', '\\u202e', '\\u0085']);
    expect((JSON.parse(statusJson.stdout) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual([sb.path(LOG_NAME)]);

    const report = runCli(['report', IP, '--no-whois', ...common(sb)]);
    expect(report.code).toBe(0);
    expect(report.stdout).toContain('Failed password for invalid user a');
    expectSafe(report.stdout);
    const reportJson = runCli(['report', IP, '--json', '--no-whois', ...common(sb)]);
    expect(reportJson.code).toBe(0);
    expectSafe(reportJson.stdout, IN_JSON);
    const strings: string[] = [];
    JSON.parse(reportJson.stdout, (_k, v: unknown) => { if (typeof v === 'string') strings.push(v); return v; });
    expect(strings.some((s) => s.includes(USER))).toBe(true);
  });

  it('test --verbose shows missed lines escaped, test --json stays clean', () => {
    const sb = sandbox();
    // A pattern these lines do not match, so each is listed as missed.
    const r = runCli(['test', sb.path(LOG_NAME), 'Accepted publickey for \\S+ from <HOST> port', '--verbose', ...common(sb).slice(4)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Missed line(s)');
    expectSafe(r.stdout);
    const json = runCli(['test', sb.path(LOG_NAME), 'Failed password for invalid user [^ ]+ from <HOST> port', '--json']);
    expect((JSON.parse(json.stdout) as { matched: number }).matched).toBe(3);
    expectSafe(json.stdout, []);
  });

  it('stats, text and JSON, and its warnings on stderr', () => {
    const sb = sandbox();
    const rule = `Failed password for invalid user [^ ]+\u202e? from <HOST> port`;
    const text = runCli(['stats', sb.path(LOG_NAME), `${sb.dir}/missing\u202e\u001b*.log`, '--rule', rule]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(IP);
    expectSafe(text.stdout, ['\\u202e']);
    expectSafe(text.stderr, ['\\u202e', '\\x1b']);
    const json = runCli(['stats', sb.path(LOG_NAME), '--rule', rule, '--json']);
    expect((JSON.parse(json.stdout) as { ips: { ip: string; count: number }[] }).ips).toEqual([{ ip: IP, count: 3 }]);
    expectSafe(json.stdout, []);
  });

  it('an error line on stderr is escaped too', () => {
    const sb = sandbox();
    const r = runCli(['ban', `203.0.113.5\u202e\u001b[2J`, ...common(sb)]);
    expect(r.code).toBe(2);
    expectSafe(r.stderr, ['\\u202e']);
  });
});

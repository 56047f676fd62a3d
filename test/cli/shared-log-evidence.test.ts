import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

// Two jails read one log: nginx-http-auth, whose record guard holds the last record's text back
// until it knows the record is whole, and a jail of its own pattern, which holds nothing back.
// Each keeps its evidence as places in the log, read back for the report: both must find the
// lines they matched, whichever handed its text on first.
describe('evidence of two jails on one log, one of them guarded', () => {
  it('each ban quotes the lines that made it', () => {
    const dir = tempDir();
    const log = join(dir, 'error.log');
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const t = `2026/11/21 ${String(8 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;
      lines.push(`${t} [error] 812#812: *${i} user "admin": password mismatch, client: 203.0.113.${i % 50}, server: example.org, request: "GET /private/${i} HTTP/1.1", host: "example.org"`);
      lines.push(`${t} [warn] 812#812: *${i} probe ${i} from 198.51.100.${i % 50} refused`);
    }
    writeFileSync(log, `${lines.join('\n')}\n`);
    const config = join(dir, 'logban.toml');
    // The unguarded jail first: it hands each text on at once, the guarded one later.
    writeFileSync(config, `[firewall]\nbackend = "none"\n`
      + `[jails.probe]\nlogpath = ["${log}"]\nfailregex = ['^\\S+ \\S+ \\[warn\\] \\d+#\\d+: \\*\\d+ probe \\d+ from <HOST> refused$']\nmaxretry = 2\nfindtime = "1d"\nbantime = "permanent"\n`
      + `[jails.auth]\nlogpath = ["${log}"]\nrules = ["nginx-http-auth"]\nmaxretry = 2\nfindtime = "1d"\nbantime = "permanent"\n`);
    const r = runCli(['scan', '--config', config, '--state-dir', join(dir, 'state'), '--now', '2026-11-21T12:00:00Z', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { newBans: { ip: string; jail: string; evidence: string[] }[] };
    const auth = out.newBans.filter((b) => b.jail === 'auth');
    const probe = out.newBans.filter((b) => b.jail === 'probe');
    expect(auth).toHaveLength(50);
    expect(probe).toHaveLength(50);
    for (const b of out.newBans) {
      expect(b.evidence.length).toBeGreaterThan(1);
      for (const e of b.evidence) {
        expect(lines).toContain(e);
        expect(e).toContain(b.jail === 'auth' ? `client: ${b.ip},` : `from ${b.ip} refused`);
      }
    }
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Lapi } from './crowdsec.js';

// One logban host of a fleet test: its own machine (watcher) and bouncer at the LAPI, their
// secrets in 0600 files in `dir`, and a config with an sshd jail over `dir`/auth.log and [fleet].
export function writeFleetHost(lapi: Lapi, dir: string, config: string, opts: { name: string; url: string; backend: string; port: string; extra?: string }): void {
  const password = `${opts.name}-0123456789abcdef`;
  expect(lapi.cscli(['machines', 'add', opts.name, '--password', password, '-f', join(dir, 'creds.yaml')]).code).toBe(0);
  const key = lapi.cscli(['bouncers', 'add', `${opts.name}-bouncer`, '-o', 'raw']).stdout.trim();
  writeFileSync(join(dir, 'machine.secret'), `${password}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'bouncer.key'), `${key}\n`, { mode: 0o600 });
  writeFileSync(config, `
[defaults]
findtime = "10m"
maxretry = 3
bantime = "1h"
${opts.extra ?? ''}
[firewall]
backend = "${opts.backend}"

[jails.sshd]
logpath = ["${dir}/auth.log"]
rules = ["sshd"]
port = ["${opts.port}"]

[fleet]
url = "${opts.url}"
machine_id = "${opts.name}"
password_file = "${dir}/machine.secret"
bouncer_key_file = "${dir}/bouncer.key"
`);
  writeFileSync(join(dir, 'auth.log'), '', { flag: 'a' });
}

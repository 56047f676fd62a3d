import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { RULES } from '../../src/rules/library.js';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';

const CONFIG = sshdJailConfig();
const fail = sshdFailure;

describe('logban status', () => {
  it('shows active bans, pending failures inside the window, and offsets', () => {
    const sb = makeSandbox(CONFIG);
    sb.append('auth.log', fail('09:40:00', '203.0.113.9') + fail('09:40:01', '203.0.113.9') + fail('09:40:02', '203.0.113.9'));
    sb.append('auth.log', fail('09:41:00', '198.51.100.4') + fail('09:42:00', '198.51.100.4'));
    sb.json('2026-11-21T09:45:00Z');
    const status = (now: string) => JSON.parse(runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir, '--now', now]).stdout);
    const s = status('2026-11-21T09:45:00Z');
    expect(s.bans).toEqual([{ ip: '203.0.113.9', jail: 'sshd', bannedAt: '2026-11-21T09:45:00Z', expiresAt: '2026-11-21T10:45:00Z' }]);
    expect(s.failures).toEqual([{ jail: 'sshd', ip: '198.51.100.4', count: 2 }]);
    expect(s.files).toEqual([{ path: sb.path('auth.log'), offset: statSync(sb.path('auth.log')).size }]);
    // Ten minutes later the first pending failure has left the window, an hour later the ban is over.
    expect(status('2026-11-21T09:51:30Z').failures).toEqual([{ jail: 'sshd', ip: '198.51.100.4', count: 1 }]);
    expect(status('2026-11-21T11:00:00Z')).toMatchObject({ bans: [], failures: [] });
  });

  it('with no state yet it reports nothing, and rules lists the library', () => {
    const sb = makeSandbox(CONFIG);
    const r = runCli(['status', '--json', '--config', sb.config, '--state-dir', sb.stateDir]);
    expect(JSON.parse(r.stdout)).toEqual({ bans: [], failures: [], files: [] });
    const rules = JSON.parse(runCli(['rules', '--json']).stdout) as { name: string }[];
    expect(rules.map((x) => x.name)).toEqual(RULES.map((r) => r.name));
    expect(rules.map((x) => x.name)).toEqual(expect.arrayContaining(['sshd', 'mysqld-auth', 'nginx-http-auth', 'apache-auth', 'wordpress', 'postfix', 'dovecot', 'vsftpd', 'proftpd', 'pure-ftpd']));
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSandbox, runCli } from '../helpers/cli.js';

// `logban completion bash` loaded into a real bash, asked as bash asks when TAB is pressed.
function complete(script: string, dir: string, ...words: string[]): string[] {
  const file = join(dir, 'completion.bash');
  writeFileSync(file, script);
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _logban; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', cwd: dir });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('logban completion', () => {
  const sb = makeSandbox('[firewall]\nbackend = "none"\n[jails.sshd]\nlogpath = ["$DIR/a.log"]\nrules = ["sshd"]\n[jails.wp-login]\nlogpath = ["$DIR/b.log"]\nrules = ["wordpress"]\n');
  const bash = runCli(['completion', 'bash', '--config', sb.config]);

  it('bash: commands, each command\'s options, the config\'s jails after --jail, rules, formats', () => {
    expect(bash.code).toBe(0);
    expect(complete(bash.stdout, sb.dir, 'logban', 'st')).toEqual(['status', 'stats']);
    expect(complete(bash.stdout, sb.dir, 'logban', 'scan', '--d')).toEqual(['--dry-run']);
    expect(complete(bash.stdout, sb.dir, 'logban', 'ban', '203.0.113.9', '--jail', '')).toEqual(['sshd', 'wp-login', 'manual', 'recidive']);
    expect(complete(bash.stdout, sb.dir, 'logban', 'stats', '--rule', 'sshd')).toEqual(['sshd', 'sshd-ddos', 'sshd-aggressive']);
    expect(complete(bash.stdout, sb.dir, 'logban', 'test', 'auth.log', 'postf')).toEqual(['postfix', 'postfix-rejects']);
    expect(complete(bash.stdout, sb.dir, 'logban', 'export', '--format', '')).toEqual(['plain', 'ipset', 'nft']);
  });

  it('zsh: the same function through bashcompinit; another shell is a usage error', () => {
    const zsh = runCli(['completion', 'zsh', '--config', sb.config]);
    expect(zsh.stdout.split('\n').slice(0, 3)).toEqual(['#compdef logban', expect.stringContaining('zsh'), 'autoload -U +X bashcompinit && bashcompinit']);
    expect(zsh.stdout).toContain(bash.stdout);
    const fish = runCli(['completion', 'fish']);
    expect([fish.code, fish.stderr]).toEqual([2, 'logban: completion: "fish" is not a shell logban knows: bash or zsh\n']);
  });
});

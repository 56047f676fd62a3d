import type { Command } from 'commander';
import { UsageError } from '../app/errors.js';
import { loadConfig } from '../app/load-config.js';
import { RULES } from '../rules/library.js';
import { writeOut } from './common.js';

// `logban completion bash|zsh`: a completion script made from the commands and options the CLI
// really has, the jails of the config and the built-in rules (names logban itself checked: letters,
// digits, _ and -, nothing a shell would read as code). zsh loads the same function through
// bashcompinit.

const SAFE = /^[A-Za-z0-9_.:-]+$/;
const words = (list: readonly string[]) => list.filter((w) => SAFE.test(w)).join(' ');

function bashScript(program: Command, jails: readonly string[]): string {
  const commands = program.commands.filter((c) => c.name() !== 'help');
  const optionsOf = (c: Command) => c.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => f !== undefined);
  const cases = commands.map((c) => {
    const sub = c.commands.map((s) => s.name());
    const opts = [...optionsOf(c), ...c.commands.flatMap(optionsOf), '--help'];
    return `    ${c.name()}) opts="${words([...sub, ...opts])}" ;;`;
  });
  return `# logban completion for bash: eval "$(logban completion bash)" or save it in /etc/bash_completion.d/logban
_logban() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${words(commands.map((c) => c.name()))} --version -V --help" -- "$cur"))
    return
  fi
  case "$prev" in
    --jail) COMPREPLY=($(compgen -W "${words([...jails, 'manual', 'recidive'])}" -- "$cur")); return ;;
    --rule) COMPREPLY=($(compgen -W "${words(RULES.map((r) => r.name))}" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "plain ipset nft" -- "$cur")); return ;;
    --subnet) COMPREPLY=($(compgen -W "24 16" -- "$cur")); return ;;
    --by) COMPREPLY=($(compgen -W "day" -- "$cur")); return ;;
    --config|--state-dir) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
  # logban import-fail2ban DIR: a directory (fail2ban's configuration, /etc/fail2ban by default).
  if [ "\${COMP_WORDS[1]}" = import-fail2ban ] && [[ "$cur" != -* ]]; then COMPREPLY=($(compgen -d -- "$cur")); return; fi
  # logban test LOG RULE: the rule names after the log file.
  if [ "\${COMP_WORDS[1]}" = test ] && [ "$COMP_CWORD" -eq 3 ]; then
    COMPREPLY=($(compgen -W "${words(RULES.map((r) => r.name))}" -- "$cur"))
    return
  fi
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); else COMPREPLY=($(compgen -f -W "$opts" -- "$cur")); fi
}
complete -F _logban logban
`;
}

// The jails of the config in use, if it reads (a completion never fails for a broken config).
function jailsOf(config: string | undefined): string[] {
  try {
    return loadConfig(config).jails.map((j) => j.name);
  } catch {
    return [];
  }
}

export function registerCompletion(program: Command): void {
  program.command('completion')
    .description('a completion script for bash or zsh on stdout, e.g. eval "$(logban completion bash)"')
    .argument('<shell>', 'bash | zsh')
    .option('--config <file>', 'the config whose jails --jail completes')
    .action((shell: string, flags: { config?: string }) => {
      if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion: "${shell}" is not a shell logban knows: bash or zsh`);
      const script = bashScript(program, jailsOf(flags.config));
      writeOut(shell === 'bash' ? script : `#compdef logban\n# logban completion for zsh: eval "$(logban completion zsh)" in ~/.zshrc\nautoload -U +X bashcompinit && bashcompinit\n${script}`);
    });
}

import { spawnSync } from 'node:child_process';

// Tests apply firewall rules only inside network namespaces they make. This guard reads this
// machine's own firewall (logban's chains, sets and table) before the run and after it, and fails
// the run when a test left anything there.
function ownFirewall(): string | null {
  if (process.getuid?.() !== 0) return null;
  const read = (argv: string[]) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    return r.status === 0 ? r.stdout : '';
  };
  const lines = [
    ...read(['iptables', '-w', '-S']).split('\n').map((l) => `ip4 ${l}`),
    ...read(['ip6tables', '-w', '-S']).split('\n').map((l) => `ip6 ${l}`),
    ...read(['ipset', 'list', '-n']).split('\n').map((l) => `ipset ${l}`),
    ...read(['nft', 'list', 'tables']).split('\n').map((l) => `nft ${l}`),
  ];
  return lines.filter((l) => /logban/.test(l)).join('\n');
}

let before: string | null = null;

export function setup(): void {
  before = ownFirewall();
}

export function teardown(): void {
  const after = ownFirewall();
  if (before !== null && after !== before) {
    throw new Error(`a test changed this machine's own firewall (not a namespace's); logban's part now:\n${after}`);
  }
}

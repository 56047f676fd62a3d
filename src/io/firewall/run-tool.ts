import type { Argv } from '../../core/firewall-model.js';
import { ToolMissing, type Runner } from '../exec.js';
import { FirewallError } from './types.js';

// The Debian package that ships each firewall tool, for the "install it" hint.
const PACKAGE: Readonly<Record<string, string>> = {
  iptables: 'iptables', ip6tables: 'iptables', 'iptables-restore': 'iptables', 'ip6tables-restore': 'iptables',
  ipset: 'ipset', nft: 'nftables',
};

function describeFailure(argv: Argv, stderr: string): FirewallError {
  const tool = argv[0]!;
  const detail = stderr.trim().split('\n').find((l) => l.trim() !== '') ?? 'no message';
  if (/permission denied|operation not permitted|you must be root/i.test(stderr)) {
    return new FirewallError(`${tool}: permission denied (${detail.trim()}): run logban as root (it needs CAP_NET_ADMIN)`);
  }
  return new FirewallError(`${argv.join(' ')} failed: ${detail.trim()}`);
}

/** What a tool printed and how it exited. */
export type ToolRun = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

// Runs one firewall tool; a missing tool or a refusal becomes one FirewallError line naming the tool
// and the fix. `accept` lets a caller treat some failures (e.g. "no such table") as answers.
export async function runTool(runner: Runner, argv: Argv, input?: string, accept?: (r: ToolRun) => boolean): Promise<ToolRun> {
  let r: ToolRun;
  try {
    r = await runner.run(argv, input);
  } catch (e) {
    if (e instanceof ToolMissing) {
      const pkg = PACKAGE[e.tool] ?? e.tool;
      throw new FirewallError(`${e.tool} not found: install it (apt-get install ${pkg}) or choose another [firewall] backend`, { cause: e });
    }
    throw e;
  }
  if (r.exitCode !== 0 && !(accept?.(r) ?? false)) throw describeFailure(argv, r.stderr);
  return r;
}

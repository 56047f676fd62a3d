import type { Argv } from '../core/iptables-plan.js';

export type RunOutcome = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

// Runs one process from an argv array (never a shell string).
export type Runner = { readonly run: (argv: Argv, input?: string) => Promise<RunOutcome> };

export class ToolMissing extends Error {
  constructor(readonly tool: string, options?: { cause?: unknown }) {
    super(`${tool} was not found on PATH`, options);
  }
}

const TIMEOUT_MS = 60_000;

// The one runner for the firewall tools and journalctl. execa sits in a chunk of its own in dist/
// and is imported here only when a process really runs, so a quiet cron run never loads it.
export const execaRunner: Runner = {
  async run(argv, input) {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    // No output limit: a truncated listing would be read as the whole firewall or journal.
    const r = await execa(file!, args, {
      reject: false, input: input ?? '', stripFinalNewline: false, maxBuffer: Infinity, timeout: TIMEOUT_MS, killSignal: 'SIGKILL',
    });
    if (r.code === 'ENOENT') throw new ToolMissing(file!, { cause: r });
    // A process that could not start at all (EACCES, ...) is an error, not an exit code.
    if (r.exitCode === undefined && r.signal === undefined) throw r;
    const killed = r.signal === undefined ? '' : `\nkilled by ${r.signal}${r.timedOut ? ` after ${TIMEOUT_MS / 1000} s` : ''}`;
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) + killed };
  },
};

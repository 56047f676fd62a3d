import type { Argv } from '../core/iptables-plan.js';

export type RunOutcome = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

// Runs one process from an argv array (never a shell string).
export type Runner = { readonly run: (argv: Argv, input?: string) => Promise<RunOutcome> };

export class ToolMissing extends Error {
  constructor(readonly tool: string, options?: { cause?: unknown }) {
    super(`${tool} was not found on PATH`, options);
  }
}

// execa is loaded only when a process really runs, so a quiet cron run never pays for it.
export const execaRunner: Runner = {
  async run(argv, input) {
    const { execa } = await import('execa');
    const [file, ...args] = argv;
    try {
      const r = await execa(file!, args, { reject: false, input: input ?? '', stripFinalNewline: false, timeout: 60_000 });
      if ((r as { code?: string }).code === 'ENOENT') throw new ToolMissing(file!);
      return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') throw new ToolMissing(file!, { cause: e });
      throw e;
    }
  },
};

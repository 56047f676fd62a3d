import { parseWhois, type WhoisInfo } from '../core/whois-parse.js';

// Asks the system whois command about addresses; an address missing from the answer is unknown.
export type WhoisLookup = { readonly lookup: (ips: readonly string[]) => Promise<ReadonlyMap<string, WhoisInfo>> };

export type WhoisOptions = {
  /** The whois command (default "whois" from PATH). */
  readonly bin?: string;
  /** Longest wait for one answer. */
  readonly timeoutMs?: number;
  /** Longest wait for all answers of one run together. */
  readonly budgetMs?: number;
  readonly concurrency?: number;
  /** Addresses asked about per run at most; the rest stay unknown. */
  readonly maxLookups?: number;
};

// The do-nothing twin: whois switched off, every address unknown, no process started.
export const noWhois: WhoisLookup = { lookup: async () => new Map() };

const MAX_OUTPUT_BYTES = 256 * 1024;

type Answer = { readonly kind: 'answer'; readonly info: WhoisInfo } | { readonly kind: 'none' } | { readonly kind: 'missing' };

// The command runs in its own process group, so a timeout ends it together with anything it
// started (a wrapper script's children would otherwise keep the output pipe open).
async function askOne(bin: string, ip: string, timeoutMs: number): Promise<Answer> {
  const { execa } = await import('execa');
  const sub = execa(bin, [ip], {
    reject: false, detached: true, stdin: 'ignore', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', stripFinalNewline: false,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(sub.pid);
  }, timeoutMs);
  try {
    const r = await sub;
    if ((r as { code?: string }).code === 'ENOENT') return { kind: 'missing' };
    const text = String(r.stdout ?? '');
    if (timedOut || text.trim() === '') return { kind: 'none' };
    return { kind: 'answer', info: parseWhois(text) };
  } finally {
    clearTimeout(timer);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// Runs `whois <ip>` (argv, no shell) for a few addresses at a time. No whois command, no network
// or a slow server only leave addresses unknown: one answer waits at most timeoutMs, all of them
// together at most budgetMs, so a cron run is never held up for long.
export function createWhoisLookup(opts: WhoisOptions = {}): WhoisLookup {
  const bin = opts.bin ?? 'whois';
  const timeoutMs = opts.timeoutMs ?? 3000;
  const budgetMs = opts.budgetMs ?? 5000;
  return {
    async lookup(ips) {
      const found = new Map<string, WhoisInfo>();
      const queue = [...new Set(ips)].slice(0, opts.maxLookups ?? 20);
      const deadline = performance.now() + budgetMs;
      let missing = false;
      const worker = async () => {
        for (let ip = queue.shift(); ip !== undefined && !missing; ip = queue.shift()) {
          const left = Math.floor(deadline - performance.now());
          if (left < 50) return;
          const answer = await askOne(bin, ip, Math.min(timeoutMs, left)).catch((): Answer => ({ kind: 'none' }));
          if (answer.kind === 'missing') missing = true;
          else if (answer.kind === 'answer') found.set(ip, answer.info);
        }
      };
      await Promise.all(Array.from({ length: opts.concurrency ?? 3 }, worker));
      return found;
    },
  };
}

import { spawn } from 'node:child_process';
import { ToolMissing, type Runner } from '../exec.js';

const TIMEOUT_MS = 60_000;

// Runs a firewall tool from an argv array with node's spawn (no shell). Every cron run with active
// bans reads the firewall to reconcile it; importing execa for that would cost more than the
// listing itself (~200 ms against ~10 ms here), so the firewall tools use this small runner.
export const processRunner: Runner = {
  run(argv, input) {
    const [file, ...args] = argv;
    return new Promise((resolve, reject) => {
      const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      // Our own timer (spawn's `timeout` stays armed after a failed start and keeps logban alive).
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let settled = false;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(e.code === 'ENOENT' ? new ToolMissing(file!, { cause: e }) : e);
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8') + (signal ? `\nkilled by ${signal} after ${TIMEOUT_MS / 1000} s` : '');
        resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
      // A tool that exits before reading its input (e.g. on a usage error) must not crash logban.
      child.stdin.on('error', () => {});
      child.stdin.end(input ?? '');
    });
  },
};

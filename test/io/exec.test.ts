import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execaRunner, ToolMissing } from '../../src/io/exec.js';

// The runner every firewall tool and journalctl go through, on real processes.
describe('execaRunner', () => {
  it('feeds the input on stdin and hands back stdout untouched (final newline kept)', async () => {
    const r = await execaRunner.run(['cat'], 'add logban-v4 192.0.2.1\nadd logban-v4 192.0.2.2\n');
    expect(r).toEqual({ exitCode: 0, stdout: 'add logban-v4 192.0.2.1\nadd logban-v4 192.0.2.2\n', stderr: '' });
  });

  it('returns a failing exit code and its stderr instead of throwing', async () => {
    const r = await execaRunner.run(['sh', '-c', 'echo "iptables: No chain/target/match by that name." >&2; exit 1']);
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: 'iptables: No chain/target/match by that name.\n' });
  });

  it('survives a tool that exits without reading a large input', async () => {
    const r = await execaRunner.run(['sh', '-c', 'exit 2'], 'x'.repeat(8 << 20));
    expect(r.exitCode).toBe(2);
  });

  it('keeps output of any size (a listing is never cut short)', async () => {
    const r = await execaRunner.run(['head', '-c', String(120_000_000), '/dev/zero']);
    expect(r.stdout.length).toBe(120_000_000);
  });

  it('a tool missing from PATH is ToolMissing naming it', async () => {
    const e = await execaRunner.run(['logban-no-such-tool', '-L']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ToolMissing);
    expect((e as ToolMissing).tool).toBe('logban-no-such-tool');
  });

  it('a file that cannot be started is an error, not an exit code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logban-exec-'));
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    await expect(execaRunner.run([file])).rejects.toMatchObject({ code: 'EACCES' });
  });
});

import { describe, expect, it } from 'vitest';
import { sshdJailConfig } from '../helpers/sshd-config.js';
import { makeSandbox, runCli, sshdFailure } from '../helpers/cli.js';
import { logrotateOrSkip, rotate } from '../helpers/logrotate.js';

const NOW = '2026-11-21T10:00:00Z';
const A = '203.0.113.5'; // exactly maxretry failures, spread over the rotation: must be banned
const B = '198.51.100.9'; // one fewer: banned only if a line were read twice

const CONFIG = sshdJailConfig({ findtime: '1h', maxretry: 5 });

let clock = 0;
// Failure lines for A and B plus unrelated noise, so offsets and heads are realistic.
function phase(a: number, b: number): string {
  let text = '';
  for (let i = 0; i < 25; i++) {
    const t = clock++;
    const stamp = `09:${String(20 + Math.floor(t / 60) % 40).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
    text += `Nov 21 ${stamp} web1 CRON[${1000 + t}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n`;
    if (i < a) text += sshdFailure(stamp, A, 40000 + t);
    if (i < b) text += sshdFailure(stamp, B, 50000 + t);
  }
  return text;
}

function status(box: ReturnType<typeof makeSandbox>) {
  const r = runCli(['status', '--json', '--config', box.config, '--state-dir', box.stateDir, '--now', NOW]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { bans: { ip: string }[]; failures: { ip: string; count: number }[] };
}

const MODES: Record<string, string> = {
  create: 'rotate 5\ncreate',
  'compress (no delaycompress)': 'rotate 5\ncompress',
  delaycompress: 'rotate 5\ncompress\ndelaycompress',
  copytruncate: 'rotate 5\ncopytruncate',
  'copytruncate + compress': 'rotate 5\ncopytruncate\ncompress',
  'dateext + compress': 'rotate 5\ndateext\ndateformat -%Y%m%d-%s\ncompress',
};

const gate = logrotateOrSkip();

describe.skipIf(gate.skip)('scan across real logrotate runs', () => {
  for (const [mode, directives] of Object.entries(MODES)) {
    const twice = !mode.startsWith('dateext'); // dateext names have one-second resolution
    for (const rotations of twice ? [1, 2] : [1]) {
      it(`${mode}: ${rotations} rotation(s) between runs lose no line and read none twice`, () => {
        const box = makeSandbox(CONFIG);
        const plan = rotations === 1 ? { a: [1, 2, 2], b: [1, 1, 2] } : { a: [1, 1, 1, 2], b: [1, 1, 1, 1] };
        box.append('auth.log', phase(plan.a[0]!, plan.b[0]!));
        expect(box.json(NOW).newBans).toEqual([]);
        for (let r = 0; r < rotations; r++) {
          box.append('auth.log', phase(plan.a[r + 1]!, plan.b[r + 1]!));
          rotate(box.dir, box.path('auth.log'), directives);
        }
        box.append('auth.log', phase(plan.a.at(-1)!, plan.b.at(-1)!));
        const run = box.json(NOW);
        expect(run.newBans.map((b) => [b.ip, b.failures])).toEqual([[A, 5]]);
        expect(run.files[0]!.rotated.length).toBe(rotations);
        expect(status(box).failures).toEqual([{ jail: 'sshd', ip: B, count: 4 }]);
        // Nothing new: a rerun counts nothing again.
        expect(box.json(NOW).files[0]!.linesRead).toBe(0);
        expect(status(box).failures).toEqual([{ jail: 'sshd', ip: B, count: 4 }]);
      });
    }
  }

  it('copytruncate: the log grew back past the saved offset before the next run', () => {
    const box = makeSandbox(CONFIG);
    box.append('auth.log', phase(1, 1));
    expect(box.json(NOW).newBans).toEqual([]);
    box.append('auth.log', phase(2, 1));
    rotate(box.dir, box.path('auth.log'), 'rotate 5\ncopytruncate');
    // More text than before, so the same inode is longer than the saved offset again.
    box.append('auth.log', phase(0, 0) + phase(0, 0) + phase(2, 2));
    const run = box.json(NOW);
    expect(run.newBans.map((b) => [b.ip, b.failures])).toEqual([[A, 5]]);
    expect(run.files[0]!.rotated).toEqual([box.path('auth.log.1')]);
    expect(status(box).failures).toEqual([{ jail: 'sshd', ip: B, count: 4 }]);
  });

  it('more rotations than "rotate" keeps: the report says lines were lost, and which file', () => {
    const box = makeSandbox(CONFIG);
    box.append('auth.log', phase(1, 0));
    box.json(NOW);
    for (let r = 0; r < 3; r++) {
      box.append('auth.log', phase(1, 0));
      rotate(box.dir, box.path('auth.log'), 'rotate 1\ncompress');
    }
    box.append('auth.log', phase(1, 0));
    const text = box.scan(NOW);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${box.path('auth.log')}: lines lost to rotation`);
    // What was still there was read: the last rotated file and the current one.
    expect(status(box).failures).toEqual([{ jail: 'sshd', ip: A, count: 3 }]);
  });

  it('create: the log is missing between rename and create; the next runs go on', () => {
    const box = makeSandbox(CONFIG);
    box.append('auth.log', phase(1, 1));
    box.json(NOW);
    box.append('auth.log', phase(2, 1));
    rotate(box.dir, box.path('auth.log'), 'rotate 5\nnocreate');
    const gap = box.json(NOW);
    expect(gap.files[0]!.rotated).toEqual([box.path('auth.log.1')]);
    box.append('auth.log', phase(2, 2));
    expect(box.json(NOW).newBans.map((b) => [b.ip, b.failures])).toEqual([[A, 5]]);
    expect(status(box).failures).toEqual([{ jail: 'sshd', ip: B, count: 4 }]);
  });
});

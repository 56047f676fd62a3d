import { describe, expect, it } from 'vitest';
import { createAttemptCounter, type AttemptInput } from '../../src/core/attempts.js';
import type { PatternRole } from '../../src/core/match.js';

// A row: "time role ip key [user]" (key "-" for none); the label is what the line stands for.
type Row = readonly [label: string, spec: string];

function run(rows: readonly Row[], opts: { horizon?: number; maxKeys?: number } = {}) {
  const counted: string[] = [];
  const forgotten: string[] = [];
  const c = createAttemptCounter<AttemptInput & { label: string }>(
    { count: (m) => counted.push(m.label), forget: (m) => forgotten.push(m.label) },
    opts,
  );
  for (const [label, spec] of rows) {
    const [time, role, ip, key, user, pattern] = spec.split(' ') as [string, PatternRole, string, string, string?, string?];
    c.feed({ label, time: Number(time), role, ip, pattern: Number(pattern ?? 0), line: label, key: key === '-' ? undefined : key, user: user === '-' ? undefined : user });
  }
  const beforeFlush = [...counted];
  c.flush();
  return { beforeFlush, counted, forgotten };
}

const A = '203.0.113.7';
const B = '198.51.100.9';

describe('attempt counter', () => {
  it.each<[string, Row[], string[]]>([
    ['one failed password logged by PAM and by sshd is one attempt', [
      ['pam', `0 companion ${A} 4312`],
      ['failed password', `2 fail ${A} 4312`],
    ], ['failed password']],
    ['"Invalid user" then "Failed password for invalid user" in the same pid is one attempt', [
      ['invalid user', `0 companion ${A} 4318`],
      ['failed none', `0 companion ${A} 4318`],
      ['pam', `1 companion ${A} 4318`],
      ['failed password', `3 fail ${A} 4318`],
      ['closed by invalid user', `4 companion ${A} 4318`],
    ], ['failed password']],
    ['three passwords in one connection are three attempts; the closing line adds none', [
      ['pam 1', `0 companion ${A} 7`], ['fail 1', `2 fail ${A} 7`],
      ['pam 2', `4 companion ${A} 7`], ['fail 2', `6 fail ${A} 7`],
      ['pam 3', `8 companion ${A} 7`], ['fail 3', `10 fail ${A} 7`],
      ['max tries', `10 companion ${A} 7`],
    ], ['fail 1', 'fail 2', 'fail 3']],
    ['keys offered before one is accepted are no failure', [
      ['publickey 1', `0 companion ${B} 1230`],
      ['publickey 2', `0 companion ${B} 1230`],
      ['accepted publickey', `0 success ${B} 1230`],
    ], []],
    ['a probe for a user name that never tries a password is one attempt, counted at the end', [
      ['invalid user', `0 companion ${A} 9`],
      ['closed by invalid user', `1 companion ${A} 9`],
    ], ['invalid user']],
    ['a successful login is never a failure; the typo before it still is', [
      ['pam', `0 companion ${B} 5`], ['typo', `2 fail ${B} 5`], ['accepted password', `5 success ${B} 5`],
    ], ['typo']],
    ['keys are per process: an acceptance in another pid forgets nothing', [
      ['invalid user', `0 companion ${A} 1`],
      ['accepted elsewhere', `1 success ${A} 2`],
    ], ['invalid user']],
    ['the same pid for another IP is another attempt (the earlier one is settled first)', [
      ['companion A', `0 companion ${A} 1`],
      ['fail B', `1 fail ${B} 1`],
    ], ['companion A', 'fail B']],
    ['lines without a key: a fail takes the waiting keyless companions of its IP', [
      ['pam', `0 companion ${A} -`], ['fail login', `1 fail ${A} -`],
      ['pam again', `30 companion ${A} -`],
    ], ['fail login', 'pam again']],
    ['a keyed fail also takes the keyless companions of its IP (PAM has no session id)', [
      ['pam (no session)', `0 companion ${A} -`],
      ['login aborted, session s1', `3 fail ${A} s1`],
    ], ['login aborted, session s1']],
    ['a keyed success forgets the keyless companions of its IP', [
      ['pam (no session)', `0 companion ${A} -`],
      ['login, session s2', `3 success ${A} s2`],
    ], []],
  ])('%s', (_, rows, expected) => {
    expect(run(rows).counted).toEqual(expected);
  });

  // "time role ip key user pattern": Dovecot's auth lines and PAM's carry no session id.
  it.each<[string, Row[], string[]]>([
    ['a login forgives no keyless failure of another user from its IP', [
      ['pam root', `0 companion ${A} - root 1`],
      ['pam admin', `3 companion ${A} - admin 1`],
      ['login alice, session s1', `40 success ${A} s1 alice`],
    ], ['pam root', 'pam admin']],
    ['a login forgives the keyless failures of its own user (case and domain folded)', [
      ['auth carol', `0 companion ${B} - carol 1`],
      ['pam carol', `0 companion ${B} - carol 3`],
      ['login Carol@example.org', `5 success ${B} s2 Carol@example.org`],
    ], []],
    ['keyless lines of three users within seconds are three attempts', [
      ['root', `0 companion ${A} - root 1`], ['admin', `4 companion ${A} - admin 1`], ['test', `9 companion ${A} - test 1`],
    ], ['root', 'admin', 'test']],
    ['the same keyless message for the same user is the next try; PAM\'s line and the auth line are one', [
      ['pam 1', `0 companion ${A} - oracle 3`], ['auth 1', `0 companion ${A} - oracle 1`],
      ['pam 2', `3 companion ${A} - oracle 3`], ['auth 2', `3 companion ${A} - oracle 1`],
    ], ['pam 1', 'pam 2']],
    ['a fail takes its own user\'s keyless companions and the unnamed ones, not another user\'s', [
      ['pam root', `0 companion ${A} - root 3`], ['pam unnamed', `0 companion ${A} - - 3`],
      ['login aborted admin', `2 fail ${A} s3 admin`],
      ['login aborted root', `3 fail ${A} s4 root`],
    ], ['login aborted admin', 'login aborted root']],
    ['a fail that names no user takes every keyless companion of its IP', [
      ['pam root', `0 companion ${A} - root 3`], ['pam admin', `0 companion ${A} - admin 3`],
      ['login aborted', `2 fail ${A} s5`],
    ], ['login aborted']],
    ['a success that names no user forgives only the unnamed keyless lines', [
      ['pam root', `0 companion ${A} - root 3`], ['probe', `0 companion ${A} - - 1`],
      ['accepted', `2 success ${A} -`],
    ], ['pam root']],
    ['one session, two users: two attempts; a login of a third forgives neither', [
      ['auth root', `0 companion ${A} s6 root 2`], ['auth admin', `4 companion ${A} s6 admin 2`],
      ['login alice', `9 success ${A} s6 alice`],
    ], ['auth root', 'auth admin']],
    ['one session, two users, the login line ends the second', [
      ['auth root', `0 companion ${A} s7 root 2`], ['auth admin', `4 companion ${A} s7 admin 2`],
      ['login aborted admin', `9 fail ${A} s7 admin`],
    ], ['auth root', 'login aborted admin']],
    ['a key\'s repeats stay one attempt (ProFTPD\'s PAM lines in one session)', [
      ['pam 1', `0 companion ${A} 5010 admin 4`], ['pam 2', `4 companion ${A} 5010 admin 4`],
    ], ['pam 1']],
  ])('%s', (_, rows, expected) => {
    expect(run(rows).counted).toEqual(expected);
  });

  it('a waiting companion counts once its key has been quiet for the horizon, not before', () => {
    const rows: Row[] = [
      ['invalid user', `0 companion ${A} 1`],
      ['other traffic at 100s', `100 fail ${B} 2`],
      ['other traffic at 701s', `701 fail ${B} 3`],
    ];
    const r = run(rows, { horizon: 600 });
    expect(r.beforeFlush).toEqual(['other traffic at 100s', 'invalid user', 'other traffic at 701s']);
    expect(r.counted).toEqual(r.beforeFlush);
  });

  it('a late fail after the horizon is a new attempt, the old companion already counted', () => {
    const r = run([['invalid user', `0 companion ${A} 1`], ['fail much later', `1000 fail ${A} 1`]], { horizon: 600 });
    expect(r.counted).toEqual(['invalid user', 'fail much later']);
  });

  it('beyond maxKeys the quietest key is settled first', () => {
    const r = run([['c1', `0 companion ${A} 1`], ['c2', `1 companion ${A} 2`], ['c3', `2 companion ${A} 3`]], { maxKeys: 2 });
    expect(r.beforeFlush).toContain('c1');
    expect(r.beforeFlush).not.toContain('c3');
    expect(r.counted).toEqual(['c1', 'c2', 'c3']);
  });

  it('reports what a success forgot, in order', () => {
    const r = run([['pk1', `0 companion ${B} 1`], ['pk2', `0 companion ${B} 1`], ['ok', `1 success ${B} 1`]]);
    expect(r.forgotten).toEqual(['pk1', 'pk2']);
  });

  it('flush counts each waiting key once and forgets everything', () => {
    const counted: string[] = [];
    const c = createAttemptCounter<AttemptInput>({ count: (m) => counted.push(m.line) });
    c.feed({ ip: A, time: 0, pattern: 1, line: 'x', role: 'companion', key: '1' });
    c.feed({ ip: A, time: 0, pattern: 1, line: 'y', role: 'companion', key: '1' });
    c.flush();
    c.flush();
    expect(counted).toEqual(['x']);
  });
});

// Two runs: the first feeds `first`, suspends at `cut` (keys quiet since before it settle), and
// the second resumes from what was handed over (through JSON, as the state file would carry it).
function twoRuns(first: readonly Row[], second: readonly Row[], cut: number) {
  const counted: string[] = [];
  const feedAll = (c: ReturnType<typeof createAttemptCounter<AttemptInput & { label: string }>>, rows: readonly Row[]) => {
    for (const [label, spec] of rows) {
      const [time, role, ip, key, user] = spec.split(' ') as [string, PatternRole, string, string, string?];
      c.feed({ label, time: Number(time), role, ip, pattern: 0, line: label, key: key === '-' ? undefined : key, user: user === '-' ? undefined : user });
    }
  };
  const one = createAttemptCounter<AttemptInput & { label: string }>({ count: (m) => counted.push(m.label) });
  feedAll(one, first);
  const open = JSON.parse(JSON.stringify(one.suspend(cut)));
  const afterFirst = [...counted];
  const two = createAttemptCounter<AttemptInput & { label: string }>({ count: (m) => counted.push(m.label) }, { resume: open });
  feedAll(two, second);
  two.flush();
  return { afterFirst, counted };
}

describe('attempts that straddle two runs', () => {
  it('an invalid-user probe at the end of one run and its password try in the next count once', () => {
    const r = twoRuns([['probe', `100 companion ${A} 7`]], [['password', `101 fail ${A} 7`]], 50);
    expect(r.afterFirst).toEqual([]);
    expect(r.counted).toEqual(['password']);
  });

  it('a failed password in one run and its pre-auth close in the next count once', () => {
    const r = twoRuns([['password', `100 fail ${A} 7`]], [['closed', `102 companion ${A} 7`]], 50);
    expect(r.counted).toEqual(['password']);
  });

  it('a key offered before the run ended and accepted after it is no failure', () => {
    const r = twoRuns([['key', `100 companion ${B} 9`]], [['accepted', `101 success ${B} 9`]], 50);
    expect(r.counted).toEqual([]);
  });

  it('a keyless user\'s failure at the end of one run is not forgiven by another user\'s login in the next', () => {
    const r = twoRuns([['pam root', `100 companion ${A} - root`]], [['login alice', `101 success ${A} s1 alice`]], 50);
    expect(r.counted).toEqual(['pam root']);
  });

  it('a keyless failure carried from one run is forgiven by the same user\'s login in the next', () => {
    const r = twoRuns([['pam carol', `100 companion ${B} - carol`]], [['login carol', `101 success ${B} s2 carol`]], 50);
    expect(r.counted).toEqual([]);
  });

  it('a carried slot of an older state file (no user field) is the unnamed one of its IP', () => {
    const counted: string[] = [];
    const pending = [{ ip: A, time: 100, pattern: 3, line: 'old pam', role: 'companion' as const }];
    const c = createAttemptCounter<AttemptInput>({ count: (m) => counted.push(m.line) }, {
      resume: [{ id: A, keyed: false, ip: A, pending, settled: null, last: 100 }],
    });
    c.feed({ ip: A, time: 101, pattern: 0, line: 'fail root', role: 'fail', key: 's1', user: 'root' });
    c.flush();
    expect(counted).toEqual(['fail root']);
  });

  it('keys quiet since before the cut settle at once; the rest wait', () => {
    const r = twoRuns([['old probe', `10 companion ${A} 1`], ['new probe', `100 companion ${B} 2`]], [], 50);
    expect(r.afterFirst).toEqual(['old probe']);
    expect(r.counted).toEqual(['old probe', 'new probe']);
  });
});

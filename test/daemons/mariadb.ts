import { mkdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../helpers/netns.js';
import { listening, readText, SERVER, waitUntil, type Rig } from './rig.js';

export const MARIADB_PORT = 3306;

/** A running mariadbd: its error log (--log-error) and a way to start each test from an empty one. */
export type MariaDb = { readonly errorLog: string; clearLog(): void; login(user: string, password: string): { code: number; stderr: string } };

// A fresh data dir (mariadb-install-db), then mariadbd in the foreground on 192.0.2.10 with every
// file in the rig's dir; 'app'@'%' exists so that any host may try (and fail) to log in.
export async function startMariaDb(rig: Rig): Promise<MariaDb> {
  const dir = join(rig.dir, 'mariadb');
  mkdirSync(dir, { recursive: true });
  const datadir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  const errorLog = join(dir, 'error.log');
  sh(['mariadb-install-db', '--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--user=root', '--skip-test-db'], { timeoutMs: 60_000 });
  const daemon = rig.start([
    'mariadbd', '--no-defaults', `--datadir=${datadir}`, `--socket=${socket}`, `--port=${MARIADB_PORT}`, `--bind-address=${SERVER}`,
    `--log-error=${errorLog}`, `--pid-file=${join(dir, 'mysqld.pid')}`, '--user=root', '--skip-name-resolve',
    '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=4M',
  ], 'mariadbd');
  await waitUntil('mariadbd ready for connections', () => readText(errorLog).includes('ready for connections') && listening(rig.server, MARIADB_PORT), 30_000, daemon);
  sh(['mariadb', '--no-defaults', '-S', socket, '-u', 'root', '-e', "CREATE USER 'app'@'%' IDENTIFIED BY 'secret'"]);
  return {
    errorLog,
    clearLog: () => truncateSync(errorLog, 0),
    // the real client, from the client namespace (its only address is 203.0.113.50)
    login: (user, password) => {
      const r = rig.clientRun(['mariadb', '--no-defaults', '--skip-ssl', '-h', SERVER, '-P', String(MARIADB_PORT), '-u', user, `-p${password}`, '-e', 'SELECT 1']);
      return { code: r.code, stderr: r.stderr };
    },
  };
}

// MariaDB's error-log time, "2026-12-03  7:37:38" (hour padded with a space; UTC in the rig).
export function mariaTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${String(d.getUTCHours()).padStart(2, ' ')}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

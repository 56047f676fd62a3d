import { chmodSync, mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listening, SERVER, waitUntil, type Rig } from './rig.js';

export const IMAP_PORT = 1143;

/** A running Dovecot: its log and a way to start each test from an empty one. */
export type Dovecot = { readonly log: string; clearLog(): void };

// dovecot.conf for IMAP on 192.0.2.10 with every path in the dir; the auth penalty's anvil socket
// refuses connections (mode 0), so repeated failures from one address are not slowed down.
function dovecotConf(dir: string): string {
  return `protocols = imap
listen = ${SERVER}
base_dir = ${dir}/base
state_dir = ${dir}/state
instance_name = logban-rig-${process.pid}
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
debug_log_path = ${dir}/dovecot.log
auth_verbose = yes
auth_debug = no
auth_failure_delay = 0
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:${dir}/home/%u/Maildir
passdb {
  driver = passwd-file
  args = ${dir}/users
}
userdb {
  driver = static
  args = uid=root gid=root home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    port = ${IMAP_PORT}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

// Starts `dovecot -F` in the rig's server namespace and waits until a login process answers
// without waiting for the auth process (one connection that only logs out).
export async function startDovecot(rig: Rig): Promise<Dovecot> {
  const dir = join(rig.dir, 'dovecot');
  mkdirSync(join(dir, 'home'), { recursive: true });
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'users'), 'alice:{PLAIN}secret::::::\n', { mode: 0o644 });
  writeFileSync(join(dir, 'dovecot.conf'), dovecotConf(dir));
  const daemon = rig.start(['dovecot', '-F', '-c', join(dir, 'dovecot.conf')], 'dovecot');
  await waitUntil(`dovecot listening on ${SERVER}:${IMAP_PORT}`, () => listening(rig.server, IMAP_PORT), 15_000, daemon);
  const logout = Buffer.from('z LOGOUT\r\n');
  await waitUntil('dovecot auth ready', () => {
    const [answer] = rig.raw(IMAP_PORT, [logout], { waitFor: 'z OK' });
    return answer!.startsWith('* OK [CAPABILITY');
  }, 15_000, daemon);
  const log = join(dir, 'dovecot.log');
  return { log, clearLog: () => truncateSync(log, 0) };
}

// One IMAP session: AUTHENTICATE PLAIN with `user` (UTF-8, any bytes) and `password`, then LOGOUT.
export function authPlain(user: string, password: string): Buffer {
  const sasl = Buffer.concat([Buffer.from([0]), Buffer.from(user, 'utf8'), Buffer.from([0]), Buffer.from(password, 'utf8')]).toString('base64');
  return Buffer.from(`a AUTHENTICATE PLAIN ${sasl}\r\nb LOGOUT\r\n`, 'latin1');
}

// One IMAP session: LOGIN "user" "password" (quoted strings: no CR, LF, '"' or '\\' unescaped), then LOGOUT.
export function login(user: string, password: string): Buffer {
  const q = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return Buffer.from(`a LOGIN ${q(user)} ${q(password)}\r\nb LOGOUT\r\n`, 'utf8');
}

import { spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listening, readText, waitUntil, type Rig } from './rig.js';

export const NGINX_PORT = 8080;
export const HTTP_RULES = ['nginx-http-auth', 'nginx-limit-req', 'nginx-botsearch'] as const;
// nginx cuts an error-log record at NGX_MAX_ERROR_STR (2048 bytes, newline included) and keeps
// 50 of them for "..." + " (errno: text)", so a file name in the record stops at this offset.
export const NGINX_CUT_AT = 2048 - 50;

/** A running nginx: its dir, logs and document root. */
export type Nginx = { readonly dir: string; readonly errorLog: string; readonly accessLog: string; readonly root: string; clearLogs(): void };

// nginx.conf for one server on 192.0.2.10: basic auth on /private/, 1 r/m on /limited/, logs in the dir.
function nginxConf(dir: string, server: string): string {
  return `user root;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 64; }
http {
  access_log ${dir}/access.log combined;
  client_body_temp_path ${dir}/tmp-body; proxy_temp_path ${dir}/tmp-proxy; fastcgi_temp_path ${dir}/tmp-fcgi;
  uwsgi_temp_path ${dir}/tmp-uwsgi; scgi_temp_path ${dir}/tmp-scgi;
  limit_req_zone $binary_remote_addr zone=one:1m rate=1r/m;
  server {
    listen ${server}:${NGINX_PORT};
    server_name s;
    root ${dir}/html;
    log_not_found on;
    location /private/ { auth_basic "x"; auth_basic_user_file ${dir}/htpasswd; }
    location /limited/ { limit_req zone=one nodelay; }
  }
}
`;
}

// Starts nginx in the foreground in the rig's server namespace and waits until it listens.
export async function startNginx(rig: Rig, server: string): Promise<Nginx> {
  const dir = join(rig.dir, 'nginx');
  const root = join(dir, 'html');
  mkdirSync(join(root, 'private'), { recursive: true });
  mkdirSync(join(root, 'limited'), { recursive: true });
  writeFileSync(join(root, 'index.html'), 'hi\n');
  writeFileSync(join(root, 'limited', 'index.html'), 'hi\n');
  const hash = spawnSync('openssl', ['passwd', '-apr1', 'secret'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(join(dir, 'htpasswd'), `root:${hash}\n`);
  writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, server));
  const daemon = rig.start(['nginx', '-g', 'daemon off;', '-p', dir, '-c', join(dir, 'nginx.conf')], 'nginx');
  await waitUntil(`nginx listening on ${server}:${NGINX_PORT}`, () => listening(rig.server, NGINX_PORT), 10_000, daemon);
  const errorLog = join(dir, 'error.log');
  const accessLog = join(dir, 'access.log');
  return {
    dir, errorLog, accessLog, root,
    // nginx appends (O_APPEND), so each test starts from an empty log without a reopen
    clearLogs: () => { truncateSync(errorLog, 0); truncateSync(accessLog, 0); },
  };
}

// --------------------------------------------------------------- requests

// Percent-encodes every byte but letters, digits and "/._-:,", so nginx takes the request line as written
// ("#" would end the path, "?" start the query, a space the request target).
export function encodePath(raw: string): string {
  return raw.replace(/[^A-Za-z0-9/._\-:,]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
}

// A raw HTTP/1.1 GET; `path` is sent exactly as given (already encoded).
export function get(path: string, headers: Record<string, string> = {}, close = true): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: s', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), `Connection: ${close ? 'close' : 'keep-alive'}`];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

// A GET /private/ with Basic credentials `user:password`, whatever bytes the user name holds.
export function basicAuth(user: string, password: string): Buffer {
  return get('/private/', { Authorization: `Basic ${Buffer.from(`${user}:${password}`, 'latin1').toString('base64')}` });
}

// nginx's error-log time, "2026/12/03 07:36:13" (UTC: the rig runs nginx with TZ=UTC).
export function nginxTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

// --------------------------------------------------------------- forged error-log lines

export type Forged = 'auth' | 'limit' | 'bot';

// Complete error-log lines as nginx writes them, naming `ip` as the client; one per rule read from error.log.
export function forgedLine(kind: Forged, ip: string, time: string): string {
  const head = `${time} [error] 12#12: *5 `;
  const tail = `client: ${ip}, server: s, request:`;
  switch (kind) {
    case 'auth': return `${head}user "root" was not found in "/etc/nginx/htpasswd", ${tail} "GET /private/ HTTP/1.1", host: "s"`;
    case 'limit': return `${head}limiting requests, excess: 0.500 by zone "one", ${tail} "GET /limited/ HTTP/1.1", host: "s"`;
    case 'bot': return `${head}open() "/srv/html/phpmyadmin" failed (2: No such file or directory), ${tail} "GET /phpmyadmin HTTP/1.1", host: "s"`;
  }
}

// "/" + runs of "a" that add up to `length` bytes: path components stay under NAME_MAX, so
// open() fails with ENOENT (2), not ENAMETOOLONG, and no "//" for nginx to merge.
export function padding(length: number): string {
  let s = '';
  while (length - s.length > 200) s += `/${'a'.repeat(199)}`;
  const rest = length - s.length;
  return rest > 0 ? s + `/${'a'.repeat(rest - 1)}` : s;
}

/** The record nginx wrote for the open() of `marker` (the URI path after the root), as bytes from its head to its newline. */
export function recordOf(log: string, marker: string): { record: string; head: number; conn: number } | null {
  const at = log.indexOf(marker);
  if (at < 0) return null;
  const start = log.lastIndexOf('\n', at) + 1;
  const end = log.indexOf('\n', at);
  const first = log.slice(start, end);
  const conn = Number(/: \*(\d+) /.exec(first)?.[1] ?? NaN);
  // the record runs to the line holding its tail (", client: ") or its truncation stub
  const tailEnd = log.indexOf('\n', log.indexOf(', client: ', at));
  return { record: log.slice(start, tailEnd + 1), head: at - start, conn };
}

export function errorLogText(n: Nginx): string {
  return readText(n.errorLog);
}

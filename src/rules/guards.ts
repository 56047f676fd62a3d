import type { RecordGuard } from '../core/record-guard.js';
import { syslogPrefixNoKey } from './syslog-prefix.js';

// nginx writes each error-log record with one write() of at most NGX_MAX_ERROR_STR (2048) bytes,
// its newline included, and client text raw: a file name made from the decoded URL (%0A becomes a
// newline), a basic-auth user name, PHP's stderr. A record whose client field is still open at the
// end of its first line, a line that starts without nginx's date, a request line holding %0A or
// %0D, and a line of exactly 2047 bytes (a record nginx cut) mark lines no rule may count.
// nginx's request line percent-encoded as the client sent it: the URI's path, decoded, is the file
// name that open() failed on, so it tells line by line what the record above it holds. Proved
// only when the line holds one request field and one `" failed (` after the decoded name.
const REQUEST = /, request: "[A-Z]+ ([^ "?#]*)[^"]*"/g;

function decodePath(raw: string): string | null {
  try {
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(i + 1, i + 3))) { bytes.push(parseInt(raw.slice(i + 1, i + 3), 16)); i += 2; }
      else bytes.push(...Buffer.from(raw[i]!, 'utf8'));
    }
    return Buffer.from(bytes).toString('utf8');
  } catch {
    return null;
  }
}

const NGINX_HEAD = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: /;
const OPEN_HEAD = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: \*\d+ open\(\) "/;
const USER_HEAD = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: \*\d+ user "/;
// What nginx writes where it cut a record at 2048 bytes: "...", the errno text, and as much of
// ", client: ADDR, server: ..." as fitted.
const CUT_END = /\.\.\. \(\d+: [^()"]*\)(?:,(?: [a-z]*(?::(?: [^,"]*)?)?)?)?$/;
const MAX_RECORD = 2048;

// An open() record: its last line's request path, decoded, is the file name over its lines.
function proveOpenRecord(line: string, prev: (k: number) => string | undefined): number {
  if (!line.includes('%0')) return -1;
  const requests = [...line.matchAll(REQUEST)];
  if (requests.length !== 1) return -1;
  const path = decodePath(requests[0]![1]!);
  if (path === null || !path.includes('\n')) return -1;
  const parts = path.split('\n');
  const k = parts.length - 1;
  const last = parts[k]!;
  if (!line.startsWith(`${last}" failed (`) || line.indexOf('" failed (', last.length + 1) >= 0) return -1;
  for (let i = 1; i < k; i++) if (prev(i) !== parts[k - i]) return -1;
  const head = prev(k);
  return head !== undefined && OPEN_HEAD.test(head) && head.endsWith(parts[0]!) ? k : -1;
}

// A basic-auth record: nginx keeps the user name only up to its first ":", so no line inside it
// can start with nginx's date or hold ", client: "; it ends at the first line that does.
function proveUserRecord(line: string, prev: (k: number) => string | undefined): number {
  const client = line.indexOf(', client: ');
  if (client < 0 || NGINX_HEAD.test(line) || !/" was not found in "|": password mismatch/.test(line.slice(0, client))) return -1;
  for (let k = 1; k <= 64; k++) {
    const above = prev(k);
    if (above === undefined || above.includes(', client: ')) return -1;
    if (NGINX_HEAD.test(above)) return USER_HEAD.test(above) ? k : -1;
  }
  return -1;
}

// A record nginx cut: it ends in the errno text and a cut context, and it began 2048 bytes
// before its end (fewer characters where it holds UTF-8).
function proveCutRecord(line: string, prev: (k: number) => string | undefined): number {
  if (!line.includes('... (') || !CUT_END.test(line)) return -1;
  let span = line.length + 1;
  let k = 0;
  for (let above = prev(1); above !== undefined && span + above.length + 1 <= MAX_RECORD; above = prev(k + 1)) { span += above.length + 1; k++; }
  return k;
}

/** How many lines above `line` its record started, proved from what nginx wrote; -1 if not. */
export function proveNginxRecord(line: string, prev: (k: number) => string | undefined): number {
  const open = proveOpenRecord(line, prev);
  if (open >= 0) return open;
  const user = proveUserRecord(line, prev);
  return user >= 0 ? user : proveCutRecord(line, prev);
}

export const NGINX_ERROR_GUARD: RecordGuard = {
  name: 'nginx-error',
  verify: proveNginxRecord,
  // A basic-auth record is nginx's whole failure line with the name's newlines in it; the address
  // is the one nginx wrote after the name (no ", client: " can be inside a name cut at its ":").
  joinable: (line, prev) => proveUserRecord(line, prev) > 0,
  head: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[[a-z]+\] \d+#\d+: /,
  headChar: '#',
  maxRecord: 2048,
  opensFieldWord: '"',
  opensField: /\*\d+ (?:"(?!.*" is not found \()|.*?open\(\) "(?!.*" failed \()|.*?user "(?!.*"(?::? password mismatch| was not found in "))|.*?FastCGI sent in stderr: "(?!.*" while ))/s,
  newlineEvidenceWord: '%0',
  newlineEvidence: /, request: ".*%0[AaDd]/s,
};

// MariaDB and MySQL write "Access denied for user '<name>'@'<host>' (using password: YES)" with
// the name raw, newlines included, but cut at 128 characters (MariaDB 10.x; MySQL at 32 or 48):
// a record is at most a date and level (64), the words (24), the name (128 characters, 256 UTF-16
// units) and "'@'host' (using password: YES)" (90), and goes on at most the name and that tail past
// the start of any line inside it. A line that starts without a date after a dated one, and a
// refusal whose name is not closed on its line, mark lines no rule may count.
export const MYSQL_ERROR_GUARD: RecordGuard = {
  name: 'mysql-error',
  // The server's date starts its message: in its own file the line, through syslog or the journal
  // (stderr under systemd, which journald cuts at each newline, the name's too) what follows the
  // program's tag. A line of the program's that does not start with it is the rest of a record.
  // (The date with what follows it, thread id and level: a journal line starts with a date too.)
  head: new RegExp(`^(?:${syslogPrefixNoKey('mysqld|mariadbd|mysqld_safe|mariadb|mysql').slice(1)})?(?:\\d{4}-\\d\\d-\\d\\d(?:T| {1,2})\\d{1,2}:\\d\\d:\\d\\d(?:\\.\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?|\\d{6} {1,2}\\d{1,2}:\\d\\d:\\d\\d) +(?:\\d+ )?\\[`),
  maxRecord: 448,
  followMax: 346,
  opensFieldWord: 'Access denied for user ',
  opensField: /Access denied for user '(?!.*'@'[^']*'(?: \(using password: (?:YES|NO)\))?$)/s,
};

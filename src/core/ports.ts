import { err, ok, type Result } from './result.js';

/** What a jail's bans block; `all` with ports means TCP and UDP on those ports. */
export type Protocol = 'tcp' | 'udp' | 'all';
export const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'all'];

/** A port or an inclusive range, already checked: 1 ≤ from ≤ to ≤ 65535. */
export type PortRange = { readonly from: number; readonly to: number };

// The service names people write in jails most often; anything else is looked up in /etc/services.
export const WELL_KNOWN_PORTS: Readonly<Record<string, number>> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, dns: 53, http: 80, pop3: 110, imap: 143,
  imap2: 143, ldap: 389, https: 443, smtps: 465, submissions: 465, submission: 587, ldaps: 636,
  imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, 'http-alt': 8080, sieve: 4190,
};

/** iptables' multiport match takes at most 15 ports, a range counting as two. */
export const MULTIPORT_LIMIT = 15;

const parseNumber = (text: string): number | null => (/^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= 65535 ? Number(text) : null);

function parseOne(word: string, lookup: (name: string) => number | null): Result<PortRange> {
  const range = /^(\d+)\s*[:-]\s*(\d+)$/.exec(word);
  if (range) {
    const from = parseNumber(range[1]!);
    const to = parseNumber(range[2]!);
    if (from === null || to === null) return err(`port range "${word}" is out of range (1-65535)`);
    return from <= to ? ok({ from, to }) : err(`port range "${word}" runs backwards: write ${to}:${from}`);
  }
  const n = /^\d+$/.test(word) ? parseNumber(word) : (WELL_KNOWN_PORTS[word.toLowerCase()] ?? lookup(word.toLowerCase()));
  if (n === null || n === undefined) {
    return err(/^\d+$/.test(word) ? `port ${word} is out of range (1-65535)` : `unknown port "${word}": use a number, a range such as 1000:2000, or a name from /etc/services`);
  }
  return ok({ from: n, to: n });
}

// A jail's `port` setting: names, numbers, ranges ("1000:2000" or "1000-2000"), comma-separated or listed.
export function parsePorts(values: readonly (string | number)[], lookup: (name: string) => number | null): Result<readonly PortRange[]> {
  const out: PortRange[] = [];
  for (const value of values) {
    for (const word of String(value).split(',').map((w) => w.trim())) {
      if (word === '') return err(`empty port in ${JSON.stringify(value)}`);
      const r = parseOne(word, lookup);
      if (!r.ok) return r;
      if (!out.some((p) => p.from === r.value.from && p.to === r.value.to)) out.push(r.value);
    }
  }
  const weight = out.reduce((n, p) => n + (p.from === p.to ? 1 : 2), 0);
  if (weight > MULTIPORT_LIMIT) return err(`at most ${MULTIPORT_LIMIT} ports per jail (a range counts as two); use a range or split the jail`);
  return ok(out);
}

// "22", "1000:2000": the spelling iptables' multiport match takes and prints back.
export function iptablesPorts(ports: readonly PortRange[]): string {
  return ports.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}:${p.to}`)).join(',');
}

// "22, 1000-2000": the spelling of an nft anonymous set.
export function nftPorts(ports: readonly PortRange[]): string {
  return ports.map((p) => (p.from === p.to ? `${p.from}` : `${p.from}-${p.to}`)).join(', ');
}

// One /etc/services line per service; the first tcp or udp entry for a name or alias wins.
export function parseServices(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    const m = /^(\d+)\/(tcp|udp)$/.exec(words[1] ?? '');
    if (!m) continue;
    for (const name of [words[0]!, ...words.slice(2)]) if (!out.has(name.toLowerCase())) out.set(name.toLowerCase(), Number(m[1]));
  }
  return out;
}

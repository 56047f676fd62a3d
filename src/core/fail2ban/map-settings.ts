// A fail2ban jail's settings in logban's terms: maxretry, findtime, bantime (and its increment),
// ignoreip, and what its ban action says about ports, protocol, chain and firewall backend.
import { canonicalIp } from '../ip.js';
import type { Entry, ListItem, Logban } from './plan.js';
import { formatDuration, parseActions, parseFail2banDuration, splitWords, type ActionEntry } from './values.js';

/** The firewall backends a fail2ban ban action maps to. */
export type Backend = 'iptables' | 'ipset' | 'nftables';
/** Entries for a table and what could not be carried. */
export type Mapped = { entries: Entry[]; leftOut: string[] };

const TEN_YEARS = 3650 * 86400;
const ONE_YEAR = 365 * 86400;

// One duration setting; `permanent` for bantime's negative values.
function durationEntry(key: 'findtime' | 'bantime' | 'maxbantime', raw: string, out: Mapped, from: string): void {
  const s = parseFail2banDuration(raw);
  if (s === null) { out.leftOut.push(`${from} = ${JSON.stringify(raw)}: not a duration logban can read; logban's default is used`); return; }
  if (key === 'bantime' && s < 0) { out.entries.push({ key, value: 'permanent' }); return; }
  if (s <= 0) { out.leftOut.push(`${from} = ${JSON.stringify(raw)}: must be longer than zero; logban's default is used`); return; }
  const max = key === 'findtime' ? ONE_YEAR : TEN_YEARS;
  if (s > max) {
    if (key === 'bantime') { out.entries.push({ key, value: 'permanent', comments: [`fail2ban: ${raw} (longer than logban's ten years)`] }); return; }
    out.leftOut.push(`${from} = ${raw}: longer than logban's maximum; ${formatDuration(max)} is used`);
    out.entries.push({ key, value: formatDuration(max) });
    return;
  }
  const text = formatDuration(s);
  const same = String(text) === raw.trim() || /^\d+$/.test(raw.trim());
  out.entries.push({ key, value: text, ...(same ? {} : { comments: [`fail2ban: ${raw.trim()}`] }) });
}

// maxretry, findtime, bantime and bantime.* of `s` where they differ from `base` (the defaults).
export function mapCounts(s: ReadonlyMap<string, string>, base: ReadonlyMap<string, string> | null): Mapped {
  const out: Mapped = { entries: [], leftOut: [] };
  const differs = (k: string) => s.get(k) !== undefined && (base === null || s.get(k)?.trim() !== base.get(k)?.trim());
  if (differs('maxretry')) {
    const n = Number(s.get('maxretry')!.trim());
    if (Number.isInteger(n) && n >= 1) out.entries.push({ key: 'maxretry', value: n });
    else out.leftOut.push(`maxretry = ${JSON.stringify(s.get('maxretry'))}: not a whole number of at least 1 (fail2ban ignores it too)`);
  }
  if (differs('findtime')) durationEntry('findtime', s.get('findtime')!, out, 'findtime');
  if (differs('bantime')) durationEntry('bantime', s.get('bantime')!, out, 'bantime');
  const incr = ['bantime.increment', 'bantime.factor', 'bantime.formula', 'bantime.multipliers', 'bantime.maxtime', 'bantime.rndtime', 'bantime.overalljails'];
  if (!incr.some(differs)) return out;
  const on = ['1', 'on', 'true', 'yes'].includes((s.get('bantime.increment') ?? '').trim().toLowerCase());
  if (!on) {
    if (base !== null && differs('bantime.increment')) out.entries.push({ key: 'bantime_factor', value: 1 });
    return out;
  }
  let factor = 2;
  const mult = splitWords(s.get('bantime.multipliers')).map(Number);
  let cap: number | null = null;
  if (mult.length > 0) {
    const ratio = mult.length > 1 ? mult[1]! / mult[0]! : 1;
    const geometric = mult.every((m, i) => Number.isFinite(m) && m === mult[0]! * ratio ** i);
    if (geometric && mult[0] === 1 && ratio >= 1) factor = ratio;
    else out.leftOut.push(`bantime.multipliers = ${s.get('bantime.multipliers')}: logban escalates by one factor (the nth ban lasts bantime × factor^(n-1)); bantime_factor = 2 is used`);
    const bantime = parseFail2banDuration(s.get('bantime') ?? '');
    if (bantime !== null && bantime > 0) cap = bantime * mult[mult.length - 1]!;
  } else {
    const formula = s.get('bantime.formula')?.trim();
    if (formula && formula.replace(/\s+/g, '') !== 'ban.Time*(1<<(ban.Countifban.Count<20else20))*banFactor') {
      out.leftOut.push(`bantime.formula = ${formula}: logban escalates by a factor (bantime × factor^(n-1)); bantime_factor = 2 is used`);
    }
    const f = s.get('bantime.factor')?.trim();
    if (f && Number(f) !== 1) out.leftOut.push(`bantime.factor = ${f}: fail2ban multiplies every escalated ban by it; logban doubles each ban (bantime_factor = 2)`);
  }
  out.entries.push({ key: 'bantime_factor', value: factor, comments: ['fail2ban: bantime.increment = true (each ban of the same address lasts longer)'] });
  const maxtime = s.get('bantime.maxtime')?.trim();
  if (maxtime) durationEntry('maxbantime', maxtime, out, 'bantime.maxtime');
  else if (cap !== null) out.entries.push({ key: 'maxbantime', value: formatDuration(Math.min(cap, TEN_YEARS)), comments: ['the last of bantime.multipliers'] });
  if (s.get('bantime.rndtime')?.trim()) out.leftOut.push(`bantime.rndtime = ${s.get('bantime.rndtime')}: logban adds no random time to a ban`);
  if (['1', 'on', 'true', 'yes'].includes((s.get('bantime.overalljails') ?? '').trim().toLowerCase())) {
    out.leftOut.push('bantime.overalljails = true: logban escalates per jail; [recidive] bans repeat offenders across jails');
  }
  return out;
}

// An ignoreip word as logban writes it (a CIDR block by its network address), or null for a name.
export function ignoreEntry(word: string): string | null {
  const [addr = '', bits, extra] = word.split('/');
  const ip = canonicalIp(addr);
  if (ip === null || extra !== undefined) return null;
  if (bits === undefined) return ip;
  const n = Number(bits);
  const v4 = ip.includes('.');
  if (!/^\d+$/.test(bits) || n > (v4 ? 32 : 128)) return null;
  if (!v4) return `${ip}/${n}`;
  const value = ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const net = n === 0 ? 0 : Math.floor(value / 2 ** (32 - n)) * 2 ** (32 - n);
  return `${[24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.')}/${n}`;
}

// ignoreip words as addresses and blocks; host names are left out (logban never resolves one).
export function mapIgnoreip(value: string | undefined): { list: string[]; leftOut: string[] } {
  const list: string[] = [];
  const leftOut: string[] = [];
  for (const word of splitWords(value)) {
    const e = ignoreEntry(word);
    if (e === null) leftOut.push(`ignoreip ${word}: not an address or CIDR block (a host name?); logban matches addresses only: add its addresses by hand`);
    else if (!list.includes(e)) list.push(e);
  }
  return { list, leftOut };
}

/** What a jail's ban action says: backend (null: none logban has), ports, protocol, chain. */
export type BanAction = {
  readonly backend: Backend | null;
  readonly allPorts: boolean;
  readonly port?: string;
  readonly protocol?: string;
  readonly chain?: string;
  readonly name: string;
};

const MAIL = /^(?:(?:sendmail|mail)(?:-.*)?|complain|xarf-login-attack|smtp\.py)$/;

// What one action is: a ban through a firewall logban has (or not), a mail, or something else.
function classify(a: ActionEntry): { kind: 'ban'; ban: BanAction } | { kind: 'mail' } | { kind: 'other'; firewall: boolean } {
  const n = a.name;
  if (MAIL.test(n)) return { kind: 'mail' };
  const backend: Backend | null = /^iptables-ipset/.test(n) ? 'ipset' : /^iptables(?:-multiport(?:-log)?|-new|-allports)?$/.test(n) ? 'iptables' : /^nftables(?:-multiport|-allports)?$/.test(n) ? 'nftables' : null;
  if (backend === null) return { kind: 'other', firewall: /^(?:firewallcmd|shorewall|ufw|route|hostsdeny|pf|npf|ipfw|bsd-ipfw|osx-|apf|ipfilter|iptables|nftables|nginx-block-map|symbiosis|netscaler)/.test(n) };
  const chain = a.options.get('chain');
  return {
    kind: 'ban',
    ban: {
      backend, name: n, allPorts: /allports/.test(n) || a.options.get('type') === 'allports',
      ...(a.options.has('port') ? { port: a.options.get('port')! } : {}),
      ...(a.options.has('protocol') ? { protocol: a.options.get('protocol')! } : {}),
      ...(chain !== undefined && chain !== '' && !/^<known\/chain>$/.test(chain) ? { chain } : {}),
    },
  };
}

/** A jail's actions: its ban action and a line for each action left out. */
export type ActionMapping = { readonly ban: BanAction | null; readonly leftOut: string[] };

// The jail's `action` value: its ban action, and a left-out line for each action logban has no form of.
export function mapActions(value: string | undefined): ActionMapping {
  const leftOut: string[] = [];
  const parsed = parseActions(value ?? '');
  if (!parsed.ok) return { ban: null, leftOut: [`action: ${parsed.error}`] };
  let ban: BanAction | null = null;
  for (const a of parsed.value) {
    const c = classify(a);
    if (c.kind === 'mail') leftOut.push(`action ${a.name}: mail actions are left out (cron mails logban's report when there is news)`);
    else if (c.kind === 'other') leftOut.push(c.firewall ? `action ${a.name}: a firewall logban does not drive; logban bans with its [firewall] backend instead` : `action ${a.name}: a custom action, left out (logban runs no commands of its own on a ban)`);
    else if (ban === null) ban = c.ban;
    else leftOut.push(`action ${a.name}: a second ban action; logban bans once, with its [firewall] backend`);
  }
  return { ban, leftOut };
}

// `port` as logban's list, checked the way logban check checks it; null: every port.
export function mapPorts(value: string | undefined, logban: Logban): { list: ListItem[] | null; leftOut: string[] } {
  const words = (value ?? '').split(',').map((w) => w.trim()).filter((w) => w !== '');
  const leftOut: string[] = [];
  const out: string[] = [];
  let weight = 0;
  for (const w of words) {
    const range = /^(\d+)\s*[:-]\s*(\d+)$/.exec(w);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a <= 1 && b >= 65535) return { list: null, leftOut };
      if (a < 1 || b > 65535 || a > b) { leftOut.push(`port ${w}: not a port range logban takes`); continue; }
      out.push(`${a}:${b}`);
      weight += 2;
      continue;
    }
    if (/^\d+$/.test(w) ? Number(w) < 1 || Number(w) > 65535 : logban.lookupPort(w.toLowerCase()) === null) {
      leftOut.push(`port ${w}: not a port number or a name logban knows (/etc/services)`);
      continue;
    }
    out.push(w);
    weight++;
  }
  if (weight > 15) return { list: null, leftOut: [...leftOut, `port ${value}: more than 15 ports (logban's limit per jail); the jail's bans block every port`] };
  if (out.length === 0) return { list: null, leftOut: words.length > 0 ? [...leftOut, 'no port could be carried: the jail\'s bans block every port'] : leftOut };
  return { list: out.map((text) => ({ text })), leftOut };
}

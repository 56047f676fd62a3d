import { stripUnsafe } from './text-safety.js';

// What a report says about who holds an address; null where the registry did not say.
export type WhoisInfo = {
  readonly country: string | null;
  readonly netname: string | null;
  readonly org: string | null;
  readonly abuse: string | null;
};

export const UNKNOWN_WHOIS: WhoisInfo = { country: null, netname: null, org: null, abuse: null };

// whois answers are attacker-influenced text of any length: only the start is read, values are capped.
const MAX_INPUT_CHARS = 64 * 1024;
const MAX_VALUE_CHARS = 80;

type Field = { readonly key: string; readonly value: string; readonly block: number };

// RIPE/APNIC/AFRINIC/LACNIC "key:  value", ARIN "Key:  value", KRNIC "Key Name   : value".
const KEY_VALUE = /^([A-Za-z][A-Za-z0-9 _-]{0,39}?)\s*:\s*(.*)$/;
// JPNIC "b. [Network Name]   VALUE" (English) or "b. [ネットワーク名]   VALUE".
const BRACKETED = /^(?:[a-z]\.\s*)?\[([^\]]{1,40})\]\s*(.*)$/;
const ABUSE_COMMENT = /^%\s*Abuse contact for .* is '([^']*)'/i;

const NETNAME_KEYS = ['netname', 'network name', 'service name', 'ネットワーク名'];
const ORG_KEYS = ['org-name', 'orgname', 'custname', 'organization name', 'organization', 'owner', '組織名', 'descr'];
const COUNTRY_KEYS = ['country'];
const ABUSE_KEYS = ['abuse-mailbox', 'orgabuseemail', 'abuse'];

function clean(value: string): string {
  return stripUnsafe(value).replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE_CHARS);
}

function readFields(raw: string): { fields: Field[]; abuseComment: string | null } {
  const fields: Field[] = [];
  let abuseComment: string | null = null;
  let block = 0;
  for (const rawLine of raw.slice(0, MAX_INPUT_CHARS).split(/\r\n|\r|\n/)) {
    const line = stripUnsafe(rawLine).trim();
    if (line === '') { block++; continue; }
    const comment = ABUSE_COMMENT.exec(line);
    if (comment) abuseComment ??= comment[1]!;
    if (line.startsWith('%') || line.startsWith('#')) continue;
    const m = BRACKETED.exec(line) ?? KEY_VALUE.exec(line);
    if (!m) continue;
    const value = clean(m[2]!);
    if (value !== '') fields.push({ key: m[1]!.trim().toLowerCase(), value, block });
  }
  return { fields, abuseComment };
}

function firstOf(fields: readonly Field[], keys: readonly string[]): Field | undefined {
  for (const key of keys) {
    const f = fields.find((x) => x.key === key);
    if (f) return f;
  }
  return undefined;
}

function countryCode(value: string | undefined): string | null {
  const code = value?.split(/[\s#]/)[0]?.toUpperCase();
  return code !== undefined && /^[A-Z]{2}$/.test(code) ? code : null;
}

function email(value: string | undefined): string | null {
  return value !== undefined && /^[^\s@'"<>]{1,64}@[A-Za-z0-9.-]{1,190}$/.test(value) ? value : null;
}

// The national registries' answers carry no country line; their own name says it.
function registryCountry(raw: string): string | null {
  const head = raw.slice(0, MAX_INPUT_CHARS);
  if (/\bJPNIC\b/.test(head)) return 'JP';
  if (/\bKRNIC\b|\bKISA\b/.test(head)) return 'KR';
  return null;
}

// Country, network name, holder and abuse address from any registry's whois answer. When the
// answer holds several networks (a referral chain), the last one named is the most specific.
export function parseWhois(raw: string): WhoisInfo {
  const { fields, abuseComment } = readFields(raw);
  const named = fields.filter((f) => NETNAME_KEYS.includes(f.key));
  const netField = named[named.length - 1];
  const from = netField?.block ?? 0;
  const inNet = fields.filter((f) => f.block === from);
  const after = fields.filter((f) => f.block >= from);
  const countries = fields.filter((f) => COUNTRY_KEYS.includes(f.key));
  const country = countryCode(firstOf(inNet, COUNTRY_KEYS)?.value ?? firstOf(after, COUNTRY_KEYS)?.value ?? countries[countries.length - 1]?.value);
  return {
    country: country ?? registryCountry(raw),
    netname: netField?.value ?? null,
    org: firstOf(after, ORG_KEYS)?.value ?? firstOf(fields, ORG_KEYS)?.value ?? null,
    abuse: email(firstOf(after, ABUSE_KEYS)?.value) ?? email(abuseComment ?? undefined) ?? email(firstOf(fields, ABUSE_KEYS)?.value),
  };
}

// One line for a report: "JP, EXAMPLE-NET (Example Corporation)" or "unknown".
export function describeWhois(info: WhoisInfo | null | undefined): string {
  if (!info || (info.country === null && info.netname === null && info.org === null)) return 'unknown';
  const net = info.netname ?? info.org;
  const holder = info.netname !== null && info.org !== null ? ` (${info.org})` : '';
  return `${info.country ?? 'country unknown'}, ${net ?? 'network unknown'}${holder}`;
}

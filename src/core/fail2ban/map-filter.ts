// A jail's filter in logban's terms: fail2ban's own filter, unchanged, becomes logban's built-in
// rule of that name; a filter the user wrote or changed is carried over pattern by pattern.
import type { DatePatternName } from '../timestamp.js';
import type { ConfigFiles } from './config-set.js';
import type { ResolvedFilter } from './filter-read.js';
import type { Entry, ListItem, Logban } from './plan.js';
import { isAnchored, translateRegex } from './regex-translate.js';
import { isShippedText } from './shipped.js';
import { dateRegex, mapDatepattern } from './values.js';

/** A filter in logban's terms: the jail's entries, comments and what was left out. */
export type FilterMapping = {
  readonly entries: readonly Entry[];
  readonly comments: readonly string[];
  readonly leftOut: readonly string[];
  /** Nothing could be carried: the jail is written as comments. */
  readonly skip: boolean;
};

/** fail2ban filters whose logban rule is named the same. */
const SAME_NAME = ['sshd', 'mysqld-auth', 'postfix', 'dovecot', 'vsftpd', 'proftpd', 'pure-ftpd', 'nginx-http-auth', 'nginx-limit-req',
  'nginx-botsearch', 'nginx-bad-request', 'apache-auth', 'apache-noscript', 'apache-overflows', 'apache-nohome', 'apache-badbots'];

// The rules for fail2ban's own filter `name` in `mode`, and what a mode changes.
function builtinRules(name: string, mode: string | undefined): { rules: string[]; note?: string } {
  const m = mode ?? 'normal';
  if (name === 'sshd') {
    // fail2ban's ddos and aggressive modes both keep the normal mode's patterns (cmnfailre).
    if (m === 'ddos' || m === 'aggressive') return { rules: ['sshd', 'sshd-ddos'] };
    if (m === 'normal' || m === 'extra') return { rules: ['sshd'] };
  }
  // 0.9's sshd-ddos filter held only the probe pattern: its jail counted nothing else.
  if (name === 'sshd-ddos') return { rules: ['sshd-ddos'] };
  if (name === 'postfix') {
    if (['normal', 'more', 'aggressive'].includes(m)) return { rules: ['postfix', 'postfix-rejects'] };
    if (['rbl', 'auth', 'ddos'].includes(m)) return { rules: ['postfix'] };
  }
  if (m === 'normal') return { rules: [name] };
  return { rules: [name], note: `mode = ${m} of fail2ban's ${name} filter: logban's rule ${name} counts what "logban rules" lists, not that mode's extra lines` };
}

// fail2ban's 0.9 sshd-ddos.conf (gone since 0.10, where it became sshd's mode = ddos).
const isOldSshdDdos = (f: ResolvedFilter) => f.name === 'sshd-ddos'
  && (f.options.get('failregex') ?? '').split('\n').filter((l) => l.trim() !== '').every((l) => /Did not receive identification string from <HOST>/.test(l));

// Whether every file the filter was read from is fail2ban's own, unchanged.
function isUnchanged(f: ResolvedFilter, files: ConfigFiles, logban: Logban): boolean {
  return f.set.files.every((path) => {
    if (!path.endsWith('.conf')) return false;
    const text = files.read(path);
    return (text.ok && text.value !== null && isShippedText(path, text.value)) || logban.isPackageFile(path);
  });
}

const lines = (v: string | undefined) => (v ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** The jail's own filter settings over the filter's (what fail2ban does with them). */
export type FilterSettings = { readonly get: (key: string) => string | undefined; readonly own: (key: string) => boolean };

// Maps the filter; `settings` gives the jail's failregex & co. where it sets them itself.
export function mapFilter(f: ResolvedFilter, mode: string | undefined, settings: FilterSettings, files: ConfigFiles, logban: Logban): FilterMapping {
  const ownPatterns = ['failregex', 'ignoreregex', 'prefregex'].some((k) => settings.own(k));
  const sameName = SAME_NAME.includes(f.name) || f.name === 'sshd-ddos';
  const from = f.set.files.join(', ');
  if (f.name === 'sshd-ddos' && isOldSshdDdos(f) && !ownPatterns) {
    return { entries: [{ key: 'rules', value: [{ text: 'sshd-ddos' }] }], comments: [`fail2ban 0.9's filter sshd-ddos (${from}): logban's built-in rule sshd-ddos`], leftOut: [], skip: false };
  }
  const builtin = sameName ? builtinRules(f.name, mode) : null;
  const usable = builtin && builtin.rules.every((r) => logban.hasRule(r));
  if (usable && !ownPatterns && isUnchanged(f, files, logban)) {
    return {
      entries: [{ key: 'rules', value: builtin.rules.map((text) => ({ text })) }],
      comments: [`fail2ban's own filter ${f.name}${mode && mode !== 'normal' ? ` (mode = ${mode})` : ''}, unchanged: logban's built-in rule${builtin.rules.length > 1 ? 's' : ''}`],
      leftOut: builtin.note ? [builtin.note] : [],
      skip: false,
    };
  }
  const carried = carryPatterns(f, settings, logban);
  const fallback = usable ? `rules = [${builtin.rules.map((r) => `"${r}"`).join(', ')}]` : null;
  if (carried.failregex.length === 0) {
    if (usable) {
      return {
        entries: [{ key: 'rules', value: builtin.rules.map((text) => ({ text })) }],
        comments: [`filter ${f.name} (${from}) could not be carried; logban's built-in rule of that name is used instead: compare it with your changes`],
        leftOut: carried.leftOut, skip: false,
      };
    }
    return { entries: [], comments: [`filter ${f.name} (${from}): none of its patterns could be carried`], leftOut: carried.leftOut, skip: true };
  }
  const comments = [`filter ${f.name} (${from}), its patterns carried over (fail2ban's tags translated; <HOST> reads addresses only)`];
  const date = dateRegex(carried.datepattern);
  if ([carried.prefregex?.text ?? '', ...carried.failregex.map((p) => p.text)].some((p) => p.includes(date))) {
    comments.push(`fail2ban matches a line with its date cut out: the (?:${carried.datepattern ? carried.datepattern.join('|') : 'date formats'})? after ^ and inside \\[...\\] reads that date`);
  }
  if (fallback) comments.push(`logban's built-in rule ${f.name} reads the same service, anchored on the daemon's own text: ${fallback}`);
  if (fallback && logban.hasGuard(f.name)) comments.push(`the built-in rule also holds back the lines of records a client cut open with a newline (README: "the record guard"); these patterns do not`);
  const entries: Entry[] = [];
  if (carried.prefregex) entries.push({ key: 'prefregex', value: carried.prefregex.text, comments: carried.prefregex.comments });
  entries.push({ key: 'failregex', value: carried.failregex });
  if (carried.ignoreregex.length > 0) entries.push({ key: 'ignoreregex', value: carried.ignoreregex });
  if (carried.datepattern) entries.push({ key: 'datepattern', value: carried.datepattern.map((text) => ({ text })) });
  return { entries, comments, leftOut: carried.leftOut, skip: false };
}

type Carried = {
  failregex: ListItem[]; ignoreregex: ListItem[]; prefregex?: { text: string; comments: string[] };
  datepattern?: readonly DatePatternName[]; leftOut: string[];
};

const SHOW = 160;
const shown = (source: string) => (source.length <= SHOW ? source : `${source.slice(0, SHOW)}...`);
const UNANCHORED = 'not anchored on the daemon\'s own text: text a client writes (a user name, a URL) could supply the address it reads; anchor it (README: "Who can choose what logban bans")';

// The filter's patterns in logban's syntax; what cannot be carried is said in `leftOut`.
function carryPatterns(f: ResolvedFilter, settings: FilterSettings, logban: Logban): Carried {
  const leftOut: string[] = [];
  const dates = mapDatepattern(settings.get('datepattern'));
  if (dates.note) leftOut.push(dates.note);
  const date = dateRegex(dates.names);
  const out: Carried = { failregex: [], ignoreregex: [], leftOut, ...(dates.names ? { datepattern: dates.names } : {}) };
  const pref = settings.get('prefregex')?.trim() ?? '';
  if (/<F-MLFID>/.test(pref) || lines(settings.get('failregex')).some((l) => /<F-MLFID>|<SKIPLINES>/.test(l))) {
    leftOut.push(`filter ${f.name} is a multi-line filter (<F-MLFID>): logban matches one line at a time, so its patterns are not carried`);
    return out;
  }
  let prefix = '';
  if (pref !== '') {
    const m = /<F-CONTENT>(.*)<\/F-CONTENT>/s.exec(pref);
    const inner = m ? m[1]! : '.+';
    const after = m ? pref.slice(m.index + m[0].length) : '';
    const body = m ? pref.slice(0, m.index) : pref;
    const whole = /^\.[+*]\??$/.test(inner) && (after === '' || after === '$') ? body : `${body}(?=(?:${inner})${after})`;
    const t = translateRegex(whole, 'prefregex', date);
    if (!t.ok || t.value.hosts > 0) {
      leftOut.push(`prefregex ${shown(pref)}: ${t.ok ? 'it reads the address itself' : t.error}; the filter's patterns need it, so none is carried`);
      return out;
    }
    prefix = t.value.source;
    out.prefregex = { text: prefix, comments: [`fail2ban: ${shown(pref)}`] };
  }
  for (const [i, source] of lines(settings.get('failregex')).entries()) {
    const body = prefix !== '' && !source.startsWith('^') ? `.*?${source}` : source;
    const t = translateRegex(body, 'failregex', prefix !== '' ? '' : date);
    const problem = !t.ok ? t.error : t.value.hosts !== 1 ? `it has ${t.value.hosts === 0 ? 'no' : 'more than one'} <HOST> (logban needs exactly one address per pattern)` : null;
    if (problem || !t.ok) { leftOut.push(`failregex ${i + 1} ${shown(source)}: ${problem}`); continue; }
    const compiled = logban.checkPatterns({ failregex: [t.value.source], ignoreregex: [], prefregex: prefix });
    if (compiled) { leftOut.push(`failregex ${i + 1} ${shown(source)}: ${compiled}`); continue; }
    const comments = [`fail2ban: ${shown(source)}`];
    if (!isAnchored(prefix !== '' ? `^${body}` : body)) comments.push(UNANCHORED);
    out.failregex.push({ text: t.value.source, comments });
  }
  for (const [i, source] of lines(settings.get('ignoreregex')).entries()) {
    const t = translateRegex(source, 'ignoreregex', date);
    const compiled = t.ok ? logban.checkPatterns({ failregex: [], ignoreregex: [t.value.source], prefregex: '' }) : null;
    if (!t.ok || compiled) { leftOut.push(`ignoreregex ${i + 1} ${shown(source)}: ${t.ok ? compiled : t.error}`); continue; }
    out.ignoreregex.push({ text: t.value.source, comments: [`fail2ban: ${shown(source)}`] });
  }
  return out;
}

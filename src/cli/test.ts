import type { Command } from 'commander';
import { testLog, type TestReport } from '../app/test-log.js';
import { escapeUnsafe } from '../core/text-safety.js';
import { clockOf, threadsOf, withCommon, withThreads, writeJson, writeOut, type CommonOptions } from './common.js';

type TestFlags = CommonOptions & { verbose?: boolean; threads?: number };

const SAMPLES = { quiet: 5, verbose: 20 } as const;

// fail2ban-regex's report: what was used, hits per pattern, date formats, the counts, a few misses.
function formatReport(path: string, r: TestReport, seconds: number, verbose: boolean): string {
  const out: string[] = ['', 'Running tests', '=============', ''];
  const kind = r.file.gzip ? 'gzip' : 'plain';
  out.push(`Use   failregex ${r.target.kind === 'rule' ? 'rule ' : 'regex'} : ${r.target.name}`);
  out.push(`Use         log file : ${path} (${kind}, ${r.file.bytes} bytes of text${r.file.complete ? '' : ', ended early'})`);
  if (r.file.note) out.push(`Note                 : ${r.file.note}`);
  out.push('', 'Results', '=======', '');
  const fails = r.patterns.map((p, i) => ({ ...p, i })).filter((p) => p.role !== 'success');
  out.push(`Failregex: ${fails.reduce((n, p) => n + p.hits, 0)} total`, '|-  #) [# of hits] regular expression (companion: counts only when its pid/session logs no fail)');
  if (fails.some((p) => p.role === 'address' || p.role === 'unaddressed')) {
    out.push('|       (address: only names its pid\'s address; unaddressed: a companion that takes it)');
  }
  for (const p of fails) out.push(`|  ${String(p.i).padStart(2)}) [${p.hits}] ${p.role === 'fail' ? '' : `(${p.role}) `}${p.source}`);
  out.push('`-', '');
  const ok = r.patterns.map((p, i) => ({ ...p, i })).filter((p) => p.role === 'success');
  if (ok.length > 0) {
    out.push(`Success: ${r.successes} total (logins that worked: never failures, they settle their pid/session)`);
    for (const p of ok) out.push(`|  ${String(p.i).padStart(2)}) [${p.hits}] ${p.source}`);
    out.push('`-', '');
  }
  out.push('Date template hits (matched lines):', '|- [# of hits] date format');
  for (const d of r.dates) out.push(`|  [${d.hits}] ${d.name}`);
  out.push('`-', '');
  out.push(`Lines: ${r.lines} lines, ${r.ignored} ignored, ${r.matched} matched, ${r.missed} missed`);
  out.push(`Attempts: ${r.attempts} (lines of one attempt, related by pid or session, count once)`);
  out.push(`[processed in ${seconds.toFixed(2)} sec${r.threads > 1 ? ` on ${r.threads} threads` : ''}]`, '');
  if (r.missedLines.length > 0) {
    const limit = verbose ? SAMPLES.verbose : SAMPLES.quiet;
    out.push(`Missed line(s): the first ${r.missedLines.length}${verbose ? '' : ` (--verbose shows ${SAMPLES.verbose})`}`);
    for (const m of r.missedLines.slice(0, limit)) out.push(`|  ${m.line}: ${escapeUnsafe(m.text.length > 300 ? `${m.text.slice(0, 300)}...` : m.text)}`);
    out.push('`-', '');
  }
  return out.join('\n');
}

async function test(path: string, target: string, flags: TestFlags): Promise<void> {
  const now = clockOf(flags).now();
  const started = performance.now();
  const report = await testLog(path, target, now, { maxMissed: flags.verbose ? SAMPLES.verbose : SAMPLES.quiet, listMatches: flags.json === true, threads: threadsOf(flags) });
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    const { lines, matched, missed, ignored, matches } = report;
    writeJson({ lines, matched, missed, ignored, matches });
    return;
  }
  writeOut(formatReport(path, report, seconds, flags.verbose === true));
}

export function registerTest(program: Command): void {
  withThreads(withCommon(program.command('test')))
    .description('test a log file (plain or .gz) against a built-in rule or a regex with <HOST>, like fail2ban-regex')
    .argument('<log-file>', 'the log to read')
    .argument('<rule-or-regex>', 'a rule name (see "logban rules") or a regex with exactly one <HOST>')
    .option('--json', 'print { lines, matched, missed, ignored, matches: [{ line, ip, time, pattern }] }')
    .option('--verbose', 'show up to 20 missed lines')
    .action(test);
}

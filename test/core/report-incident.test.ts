import { describe, expect, it } from 'vitest';
import { buildIncident } from '../../src/core/incident.js';
import { createIpSearch, INCIDENT_LINES, ipTokenRegex } from '../../src/core/incident-search.js';
import { renderIncidentText } from '../../src/core/incident-text.js';
import type { Matcher } from '../../src/core/match.js';
import { EMPTY_STATE, type State } from '../../src/core/state.js';
import { statsMatcher } from '../../src/app/stats.js';

const NOW = Date.UTC(2026, 10, 21, 12) / 1000;
const line = (at: string, ip: string) => `2026-11-21T${at}+00:00 web1 sshd[7]: Failed password for root from ${ip} port 22 ssh2`;

describe('finding an address in log lines', () => {
  it.each<[string, string, boolean]>([
    ['203.0.113.5', 'from 203.0.113.5 port 22', true],
    ['203.0.113.5', 'from 203.0.113.50 port 22', false],
    ['203.0.113.5', 'from 1203.0.113.5 port 22', false],
    ['203.0.113.5', 'rhost=203.0.113.5', true],
    ['203.0.113.5', 'from ::ffff:203.0.113.5 port 22', true],
    ['2001:db8::7', 'from 2001:DB8::7 port 22', true],
    ['2001:db8::7', 'from 2001:db8::77 port 22', false],
    ['2001:db8::7', 'from 2001:db8::7:1 port 22', false],
  ])('%s in %j: %s', (ip, text, found) => {
    expect(ipTokenRegex(ip).test(text)).toBe(found);
  });
});

describe('the incident model', () => {
  const matchers = new Map<string, Matcher>([['sshd', statsMatcher('sshd')]]);
  const jails = [{ name: 'sshd', rules: ['sshd'], port: ['ssh'] }];

  it('counts the failures the jail matches and keeps the newest lines that mention the address', () => {
    const s = createIpSearch('203.0.113.5', matchers, NOW);
    s.startFile('/var/log/auth.log', ['sshd']);
    let text = '';
    for (let i = 0; i < 30; i++) text += `${line(`10:00:${String(i).padStart(2, '0')}`, '203.0.113.5')}\n`;
    s.addText(`${text}${line('10:01:00', '203.0.113.50')}\n2026-11-21T10:02:00+00:00 web1 sshd[8]: Connection closed by 203.0.113.5 port 22\n`);
    const r = s.result();
    expect(r.mentions).toBe(31);
    expect(r.sample).toHaveLength(INCIDENT_LINES);
    expect(r.sample[INCIDENT_LINES - 1]!.line).toContain('Connection closed by 203.0.113.5');
    expect(r.jails.get('sshd')).toEqual({ count: 30, firstSeen: Date.UTC(2026, 10, 21, 10) / 1000, lastSeen: Date.UTC(2026, 10, 21, 10, 0, 29) / 1000 });
  });

  it('puts the state and the logs together; state lines already in the logs are not repeated', () => {
    const t0 = Date.UTC(2026, 10, 21, 9) / 1000;
    const state: State = {
      ...EMPTY_STATE,
      bans: [{ ip: '203.0.113.5', jail: 'sshd', bannedAt: t0 + 60, expiresAt: t0 + 3600, failures: 5, firstSeen: t0, lastSeen: t0 + 50, evidence: ['old line', 'shared line'] }],
    };
    const logs = { files: [{ path: '/l', lines: 1 }], mentions: 1, sample: [{ path: '/l', line: 'shared line' }], jails: new Map([['sshd', { count: 2, firstSeen: t0 + 40, lastSeen: t0 + 7000 }]]) };
    const i = buildIncident('203.0.113.5', NOW, state, jails, logs, { info: null, source: 'unknown' });
    expect(i.attempts).toBe(5);
    expect([i.firstSeen, i.lastSeen]).toEqual([t0, t0 + 7000]);
    expect(i.bans).toEqual([expect.objectContaining({ jail: 'sshd', active: false })]);
    expect(i.evidence).toEqual([{ source: 'state', line: 'old line' }, { source: '/l', line: 'shared line' }]);
    const text = renderIncidentText(i, { host: 'web1', timeZone: 'UTC' });
    expect(text).toContain('Attempts:       5\n');
    expect(text).toContain('(expired)');
    expect(text).toContain('  recorded by logban when counting:\n    old line\n  /l:\n    shared line\n');
  });

  it('whois details and the abuse contact go near the top of the text', () => {
    const info = { country: 'NL', netname: 'EXAMPLE-NET', org: 'Example B.V.', abuse: 'abuse@example.nl' };
    const logs = { files: [], mentions: 0, sample: [], jails: new Map() };
    const text = renderIncidentText(buildIncident('192.0.2.8', NOW, EMPTY_STATE, jails, logs, { info, source: 'lookup' }), { host: 'web1', timeZone: 'UTC' });
    expect(text.split('\n').slice(3, 6)).toEqual(['Source IP:      192.0.2.8', 'Network:        NL, EXAMPLE-NET (Example B.V.)', 'Abuse contact:  abuse@example.nl']);
  });
});

import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/config/build.js';
import { iptablesPorts, nftPorts, parsePorts, parseServices } from '../../src/core/ports.js';

const services = parseServices(`
# comment line
ssh		22/tcp				# SSH Remote Login Protocol
gopher		70/tcp
domain		53/udp		dns-alias
kerberos	88/tcp		kerberos5 krb5	# Kerberos v5
`);
const lookup = (name: string) => services.get(name) ?? null;

describe('ports', () => {
  it.each([
    [['ssh'], '22', '22'],
    [['SSH', 'https'], '22,443', '22, 443'],
    [[22, '80,443'], '22,80,443', '22, 80, 443'],
    [['1000:2000', '3000-3100'], '1000:2000,3000:3100', '1000-2000, 3000-3100'],
    [['gopher', 'krb5', 'dns-alias'], '70,88,53', '70, 88, 53'],
    [['ssh', '22', 22], '22', '22'],
    [['5 - 6'], '5:6', '5-6'],
  ])('%j → iptables %s, nft %s', (input, ipt, nft) => {
    const r = parsePorts(input, lookup);
    if (!r.ok) throw new Error(r.error);
    expect(iptablesPorts(r.value)).toBe(ipt);
    expect(nftPorts(r.value)).toBe(nft);
  });

  it.each([
    [['nosuch'], 'unknown port "nosuch"'],
    [['0'], 'port 0 is out of range'],
    [[65536], 'port 65536 is out of range'],
    [['2000:1000'], 'runs backwards: write 1000:2000'],
    [['1:70000'], 'is out of range'],
    [['80,'], 'empty port'],
    [['1;reboot'], 'unknown port'],
    [[Array.from({ length: 16 }, (_, i) => 100 + i).join(',')], 'at most 15 ports'],
    [['1:2', '3:4', '5:6', '7:8', '9:10', '11:12', '13:14', '15:16'], 'at most 15 ports'],
  ])('%j is refused: %s', (input, message) => {
    const r = parsePorts(input, lookup);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it('reads /etc/services names and aliases, first entry wins', () => {
    expect([...services]).toEqual([['ssh', 22], ['gopher', 70], ['domain', 53], ['dns-alias', 53], ['kerberos', 88], ['kerberos5', 88], ['krb5', 88]]);
  });
});

const FILE = '/etc/logban/logban.toml';
const jail = (extra: string) => `[firewall]\nbackend = "nftables"\n\n[jails.web]\nlogpath = ["/srv/a.log"]\nrules = ["sshd"]\n${extra}`;

describe('port, protocol, connlimit and escalation settings', () => {
  it('reads them into the jail: tcp by default with ports, all traffic without', () => {
    const r = buildConfig(jail('port = ["http", "https", 8000]\nconnlimit = 16\nbantime_factor = 2\nmaxbantime = "1w"\n') + '[jails.all]\nlogpath = ["/b"]\nrules = ["sshd"]\n', FILE, () => false, lookup);
    if (!r.ok) throw new Error(r.error.message);
    const [web, all] = r.value.jails;
    expect(web).toMatchObject({ port: ['http', 'https', '8000'], protocol: 'tcp', connlimit: 16, bantimeFactor: 2, maxbantime: 604800 });
    expect(web!.ports).toEqual([{ from: 80, to: 80 }, { from: 443, to: 443 }, { from: 8000, to: 8000 }]);
    expect(all).toMatchObject({ ports: [], protocol: 'all', connlimit: null, bantimeFactor: 1, maxbantime: null });
    expect(r.value.backend).toBe('nftables');
  });

  it.each([
    [jail('port = ["htp"]\n'), 7, 'port: unknown port "htp"'],
    [jail('port = [{ a = 1 }]\n'), 7, 'port must be a port, a range or a list'],
    [jail('protocol = "icmp"\n'), 7, 'protocol must be one of tcp, udp, all'],
    [jail('connlimit = 0\n'), 7, 'connlimit must be a whole number of at least 1'],
    [jail('port = [53]\nprotocol = "udp"\nconnlimit = 5\n'), 9, 'connlimit counts TCP connections'],
    [jail('bantime_factor = 0.5\n'), 7, 'bantime_factor must be a number of at least 1'],
    [jail('maxbantime = "soon"\n'), 7, 'maxbantime: "soon" is not a duration'],
    ['[defaults]\nbantime_factor = "2"\n', 2, 'bantime_factor must be a number'],
    ['[firewall]\nbackend = "nftables"\nchains = ["OUTPUT"]\n', 3, 'backend nftables hooks into INPUT, FORWARD or DOCKER-USER, not "OUTPUT"'],
    ['[firewall]\nbackend = "pf"\n', 2, 'backend must be one of iptables, ipset, nftables, none'],
  ])('%j is refused at line %i', (text, line, message) => {
    const r = buildConfig(text, FILE, () => false, lookup);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain(message);
    expect(r.error.line).toBe(line);
  });
});

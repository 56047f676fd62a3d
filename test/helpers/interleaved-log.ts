// An sshd log whose connections overlap: each pid writes its lines over the next dozens of lines
// (an invalid user and its password try, PAM's line and sshd's for one password, keys offered
// before a login that works, a client that gives up), so that a cut at any line start falls inside
// many attempts. Addresses from the documentation ranges, a tenth of them IPv6 (keyed by /64).
export function interleavedSshdLog(seed: number, connections: number): string {
  let x = seed;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % n;
  };
  type Line = { at: number; text: string };
  const lines: Line[] = [];
  const base = Date.UTC(2026, 10, 21, 8, 0, 0) / 1000;
  for (let c = 0; c < connections; c++) {
    const start = base + Math.floor(c * 1.5);
    const pid = 1000 + (c % 5000);
    const ip = rand(10) === 0 ? `2001:db8:${rand(40).toString(16)}::${rand(200).toString(16)}` : `${['192.0.2', '198.51.100', '203.0.113'][rand(3)]}.${rand(60)}`;
    const port = 1024 + rand(60000);
    const user = ['root', 'admin', 'oracle', 'alice', 'test'][rand(5)]!;
    const steps: string[] = [];
    switch (rand(6)) {
      case 0:
        steps.push(`Invalid user ${user} from ${ip} port ${port}`, `Failed password for invalid user ${user} from ${ip} port ${port} ssh2`);
        break;
      case 1:
        steps.push(`pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=${user}`, `Failed password for ${user} from ${ip} port ${port} ssh2`);
        break;
      case 2:
        steps.push(`Failed publickey for ${user} from ${ip} port ${port} ssh2: RSA SHA256:abc`, `Accepted password for ${user} from ${ip} port ${port} ssh2`);
        break;
      case 3:
        steps.push(`Invalid user ${user} from ${ip} port ${port}`, `Connection closed by invalid user ${user} ${ip} port ${port} [preauth]`);
        break;
      case 4:
        steps.push(`Failed password for ${user} from ${ip} port ${port} ssh2`, `Failed password for ${user} from ${ip} port ${port} ssh2`, `Failed password for ${user} from ${ip} port ${port} ssh2`);
        break;
      default:
        steps.push(`Did not receive identification string from ${ip} port ${port}`);
    }
    steps.forEach((text, i) => lines.push({ at: start + i * (5 + rand(40)), text: `sshd[${pid}]: ${text}` }));
    if (rand(4) === 0) lines.push({ at: start + rand(30), text: `CRON[${pid + 7}]: pam_unix(cron:session): session closed for user root` });
  }
  lines.sort((a, b) => a.at - b.at);
  const stamp = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return lines.map((l) => `${stamp(l.at)} web1 ${l.text}\n`).join('');
}

// A big sshd log where 400 addresses fail between 1 and 12 times, spread over the whole file,
// so a run killed anywhere has counted some of them and not others.
export function bigSshdLog(seed: number, lines: number): string {
  const out: string[] = [];
  let x = seed;
  for (let i = 0; i < lines; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const sec = 11 * 3600 + Math.floor((i / lines) * 3000);
    const stamp = `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
    const ip = `198.51.100.${x % 200}`;
    if (x % 97 < 3) out.push(`Nov 21 ${stamp} web1 sshd[${i}]: Failed password for root from ${ip} port ${x % 60000} ssh2`);
    else if (x % 89 === 0) out.push(`Nov 21 ${stamp} web1 sshd[${i}]: Invalid user u${x % 1000} from 2001:db8::${(x % 200).toString(16)} port 22`);
    else out.push(`Nov 21 ${stamp} web1 CRON[${i}]: pam_unix(cron:session): session closed for user root ${'-'.repeat(x % 80)}`);
  }
  return `${out.join('\n')}\n`;
}

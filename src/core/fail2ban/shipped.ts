// Which filter files are fail2ban's own, unchanged: their text without comments and blank lines
// (each line trimmed) is the text a fail2ban release shipped. A filter whose every file is one of
// these, with no .local beside any of them, is fail2ban's filter as its authors wrote it, so the
// import may use logban's built-in rule of that name instead of carrying its patterns.

// The normalised text of a config file: what fail2ban reads of it (comments and blank lines gone).
export function normaliseConfigText(text: string): string {
  return text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => !/^\s*[#;]/.test(l)).map((l) => l.trim()).filter((l) => l !== '').join('\n');
}

// FNV-1a, 64 bits, over the UTF-8 bytes: a fingerprint to compare files by, not a secret.
export function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(normaliseConfigText(text))) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

/** filter.d/NAME.conf of fail2ban 1.0.2 (Debian 12, Ubuntu 24.04): "NAME:fingerprint ...". */
const FAIL2BAN_1_0_2 = [
  "3proxy:2a266194911dff3c apache-auth:cf36015795021920 apache-badbots:34becf9c74ef8113",
  "apache-botsearch:84770df542b51f2a apache-common:72df2fc310dc356c",
  "apache-fakegooglebot:578ec0641aa55525 apache-modsecurity:1b3e04ea986672f3",
  "apache-nohome:1d869a45f63d328e apache-noscript:8b7ce14fcebbdfac",
  "apache-overflows:07a64863daefa0c8 apache-pass:e7faeba83c792a90",
  "apache-shellshock:48ee58f69abbfd98 assp:d976528015fb0354 asterisk:a6c7d8390794ce8f",
  "bitwarden:b3386aaee90ad57d botsearch-common:3c8b8680d22b7c8e centreon:7d8e58aa970e5359",
  "common:9360fa54665b4cf6 counter-strike:0b845d52bb622d8a courier-auth:0f17a3943e2713bc",
  "courier-smtp:69f252e77eba95e9 cyrus-imap:938d9c9ac85e2179 directadmin:add7b3cbdce74957",
  "domino-smtp:7deeb712c04d59db dovecot:285f69e7460a4d55 dropbear:53e92bcaf48b031c",
  "drupal-auth:23cbd202b577c93a ejabberd-auth:753d54e627d05e98 exim-common:93ddd48ec20011a2",
  "exim-spam:30d8642ce5034b2c exim:23e4f279a3d7d59d freeswitch:ce8c1a71aa91a29e",
  "froxlor-auth:991b9076072eda14 gitlab:cd55d56e23a21dff grafana:208803aa262a3f0a",
  "groupoffice:e47e7da882ef5a89 gssftpd:6d20dec85667da69 guacamole:e4c47b3a8f2c6882",
  "haproxy-http-auth:e41ce8de7ad92a69 horde:ea8f89adaabc9ef9 kerio:53fed57cc79742b3",
  "lighttpd-auth:76095ad4d0df9fde mongodb-auth:f2ebf676d6c4d8be monit:c5be6bf8546aa68d",
  "monitorix:7e11e97c6a0e7459 mssql-auth:1c317a4f8ffad7df murmur:3ae46b5b29078a8c",
  "mysqld-auth:01dedd5b85ce55a6 nagios:3223fc90033f7bba named-refused:9e72ca3d335027fd",
  "nginx-bad-request:d0d3bbcf155d19cd nginx-botsearch:886acb9cbecb3c01",
  "nginx-http-auth:de1379eddabed481 nginx-limit-req:66cac7139f896dfb nsd:3fa8c73f6090cb90",
  "openhab:a6811085b376854d openwebmail:4bd3bebb61a53c08 oracleims:a1516da1bf4fabb9",
  "pam-generic:60641dcbeb5ebf9e perdition:411fd02a758c2e4d php-url-fopen:85ba72227a7354c2",
  "phpmyadmin-syslog:2df8a74b420232b8 portsentry:baf811d50f475e9c postfix:e886ff34dd58c8be",
  "proftpd:3edfcd8bebce4205 pure-ftpd:0108495e7cfa756b qmail:ce41f336b075bc50",
  "recidive:2b9ca68ebfd97912 roundcube-auth:c851a780a64e1ff1 scanlogd:d1fa2da8b336636f",
  "screensharingd:feec8f3448033fda selinux-common:bdcebc4c6c1c07ed selinux-ssh:74dfd7281d593990",
  "sendmail-auth:54a35ae1b24c6872 sendmail-reject:f9777ee56d285a8b sieve:5eccc74c5bf9d27f",
  "slapd:735897012613a38b softethervpn:af17a9da25fcc08c sogo-auth:f523d517dbab3619",
  "solid-pop3d:e33094f249bf5df7 squid:f9429cb8fe7ea7b8 squirrelmail:7834fbda0579b9d7",
  "sshd:af3ca5be9e7c6c8b stunnel:f24c70eaa258308d suhosin:e62bd63343770e77 tine20:1e50345576a02735",
  "traefik-auth:69d1880858c85e75 uwimap-auth:5db066081fd79d57 vsftpd:351744f36e018cfb",
  "webmin-auth:45cd50c98e0c70b3 wuftpd:66ebbe2270bd3bea xinetd-fail:0fec719bb92af124",
  "znc-adminlog:f614e7349c9ac47a zoneminder:f3e415603579057d",
].join(' ');

const SHIPPED = new Map<string, Set<string>>();
for (const entry of FAIL2BAN_1_0_2.split(' ')) {
  const [name, print] = entry.split(':') as [string, string];
  const path = `filter.d/${name}.conf`;
  SHIPPED.set(path, (SHIPPED.get(path) ?? new Set()).add(print));
}

// Whether `path` (relative to the fail2ban directory) with this text is a file fail2ban shipped.
export function isShippedText(path: string, text: string): boolean {
  return SHIPPED.get(path)?.has(fingerprint(text)) ?? false;
}

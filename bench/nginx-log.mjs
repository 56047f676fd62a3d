// The bench's nginx access log ("combined" format) for a WordPress blog at example.org: visitors
// reading pages and fetching assets (200/304, some 404s), crawlers, the authors' own logins, and
// the attacks logban's web rules are written for. Pure: the caller passes the seeded random source
// and writes the lines (bench/run.mjs); every line says which of the bench jail's rules must match it.

// Bits of `rules` on each line: the bench web jail's rules that match it.
export const RULE_BITS = { wordpress: 1, 'nginx-botsearch': 2, 'nginx-badbots': 4, 'nginx-noproxy': 8 };
const WP = 1, BOTSEARCH = 2, BADBOTS = 4, NOPROXY = 8;

// nginx's $time_local in UTC: 21/Nov/2026:11:59:59 +0000.
export function accessStamp(second) {
  const d = new Date(second * 1000).toUTCString(); // "Sat, 21 Nov 2026 11:59:59 GMT"
  return `${d.slice(5, 7)}/${d.slice(8, 11)}/${d.slice(12, 16)}:${d.slice(17, 25)} +0000`;
}

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];
const CRAWLERS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
];
// What attackers send as their agent when they do not name their tool.
const PLAIN_AGENTS = [
  '-', 'Mozilla/5.0', 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.108 Safari/537.36',
  'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.0)', 'Go-http-client/1.1', 'python-requests/2.31.0', 'curl/7.88.1',
];
// Agents nginx-badbots names (scanners, harvesters).
const BAD_AGENTS = [
  'Mozilla/5.00 (Nikto/2.1.6) (Evasions:None) (Test:000003)', 'sqlmap/1.7.2#stable (https://sqlmap.org)',
  'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)',
  'masscan/1.3 (https://github.com/robertdavidgraham/masscan)', 'Mozilla/5.0 zgrab/0.x',
  'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)', 'Fuzz Faster U Fool v2.1.0-dev', 'gobuster/3.6',
  'Mozilla/5.0 (compatible; Nuclei - Open-source project (github.com/projectdiscovery/nuclei))', 'l9explore/1.2.2',
  'Mozilla/5.0 (l9tcpid/v1.1.0)', 'EmailSiphon', 'Mozilla/3.0 (compatible; Indy Library)', 'Mozilla/5.0 Jorgee', 'WhatWeb/0.5.5',
];
const SLUGS = ['hello-world', 'moving-to-nginx', 'backups-that-work', 'a-week-in-kyoto', 'sourdough-notes', 'home-lab-2026',
  'why-i-left-the-cloud', 'fixing-my-bike', 'reading-list', 'tls-for-everyone', 'ssh-keys-explained', 'garden-log-october',
  'recipes/kimchi-jjigae', 'recipes/miso-soup', 'photos-from-busan', 'cron-and-mail', 'the-quiet-server', 'year-in-review'];
const PAGES = ['/', '/', '/blog/', '/about/', '/contact/', '/page/2/', '/category/travel/', '/category/tech/', '/tag/linux/',
  ...SLUGS.map((s) => `/${s}/`)];
const ASSETS = [
  ['/wp-content/themes/twentytwentyfour/style.css?ver=1.3', 18_422], ['/wp-includes/css/dist/block-library/style.min.css?ver=6.7.1', 116_508],
  ['/wp-includes/js/jquery/jquery.min.js?ver=3.7.1', 87_553], ['/wp-includes/js/wp-emoji-release.min.js?ver=6.7.1', 18_601],
  ['/wp-content/themes/twentytwentyfour/assets/fonts/inter/Inter-VariableFont_slnt,wght.woff2', 326_308],
  ['/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.9.8', 13_720], ['/favicon.ico', 5_430],
  ['/wp-content/uploads/2026/10/header-1024x683.jpg', 88_120], ['/wp-content/uploads/2026/09/kyoto-768x512.jpg', 64_337],
];
// Missing files ordinary visitors ask for: none is a probe.
const MISSING = ['/apple-touch-icon.png', '/apple-touch-icon-precomposed.png', '/wp-content/uploads/2024/02/old-photo.jpg',
  '/ads.txt', '/.well-known/traffic-advice', '/blog/removed-post/'];
const REFERRERS = ['-', '-', 'https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://example.org/',
  'https://example.org/blog/', 'android-app://com.google.android.gm/', 'https://news.ycombinator.com/'];
// Scanner paths: [path, nginx-botsearch matches it when answered 404].
const PROBES = [
  ['/phpmyadmin/', true], ['/phpMyAdmin/scripts/setup.php', true], ['/pma/', true], ['//pma/scripts/setup.php', true], ['/PMA/', true],
  ['/myadmin/', true], ['/mysqladmin/', true], ['/dbadmin/index.php', true], ['/xampp/phpmyadmin/', true], ['/admin/pma/', true],
  ['/phpMyAdmin-5.2.1/index.php', true], ['/roundcube/', true], ['/webmail/', true], ['/mail/', true], ['/horde/', true],
  ['/.env', true], ['/.git/config', true], ['/.git/HEAD', true], ['/.aws/credentials', true], ['/cgi-bin/luci/;stok=/locale?form=country', true],
  ['/cgi-bin/test.cgi', true], ['/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php', true], ['/phpinfo.php', true],
  ['/wp-config.php.bak', true], ['/blog/wp-login.php', true], ['/old/wp-login.php', true],
  // what nginx-noscript (opt-in, not for a PHP site) or no rule would see
  ['/shell.php', false], ['/admin.php', false], ['/wp-content/plugins/wp-file-manager/lib/php/connector.minimal.php', false],
  ['/owa/auth/logon.aspx', false], ['/HNAP1/', false], ['/boaform/admin/formLogin', false], ['/actuator/health', false],
  ['/solr/admin/info/system?wt=json', false], ['/.DS_Store', false], ['/config.json', false], ['/server-status', false],
  ['/api/.env', false], ['/backup.sql', false], ['/console/', false], ['/login.action', false],
];
// Bad bots' requests: [path, status]; none is a probe path or a POST to WordPress.
const BOT_PATHS = [['/', 200], ['/robots.txt', 200], ['/index.php?id=1%27', 200], ['/nmaplowercheck1732345', 404], ['/wp-json/wp/v2/users', 200],
  ['/?author=1', 301], ['/admin/', 302], ['/backup.zip', 404], ['/wp-content/debug.log', 404], ['/sitemap.xml', 200], ['/contact/', 200]];
const PROXY_REQUESTS = [['GET http://azenv.example.net/ HTTP/1.1', 200, 612], ['CONNECT www.example.com:443 HTTP/1.1', 400, 157],
  ['GET https://api.example.net/?format=json HTTP/1.1', 400, 255], ['HEAD http://example.net/ HTTP/1.0', 200, 0],
  ['CONNECT 198.51.100.7:25 HTTP/1.0', 400, 157], ['GET http://[2001:db8::1]/ HTTP/1.1', 400, 157], ['GET HTTP://EXAMPLE.COM/ HTTP/1.1', 400, 157]];
const GUESSED_USERS = ['admin', 'root', 'test', 'user', 'administrator', 'guest', 'webmaster', 'manager', 'demo', 'info'];
const STAFF = [['alice', '198.51.100.20'], ['bob', '198.51.100.21'], ['carol', '2001:db8:ffff:1::20']];

// A line source: each call gives the next line for a stamp, with the jail rules it matches and,
// for attack traffic, the attacker's address. ~70 % ordinary traffic; attacks in bursts of a few
// concurrent attackers from 198.18.0.0/15 and 2001:db8::/32 (never 2001:db8:ffff::/48, the visitors').
export function createAccessLineSource(rand) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const burst = (mean, max) => Math.min(max, 1 + Math.floor(-Math.log(1 - rand()) * mean));
  const hex = () => (1 + int(0xfffe)).toString(16);
  const attackerIp = () => (rand() < 0.1 ? `2001:db8:${hex()}:${hex()}::${hex()}` : `198.${18 + int(2)}.${int(256)}.${1 + int(254)}`);
  const visitorIp = () => (rand() < 0.1 ? `2001:db8:ffff:${hex()}::${hex()}` : `${rand() < 0.5 ? '203.0.113' : '198.51.100'}.${30 + int(170)}`);
  const repeatOffenders = Array.from({ length: 2000 }, attackerIp);
  const line = (ip, user, stamp, request, status, bytes, referrer, agent) => `${ip} - ${user} [${stamp}] "${request}" ${status} ${bytes} "${referrer}" "${agent}"\n`;
  const ok = (text) => ({ text, rules: 0, attacker: null });

  const visits = Array.from({ length: 5 }, () => ({ left: 0, ip: '', agent: '', proto: '', page: '', returning: false }));
  function visit(stamp) {
    const v = visits[int(visits.length)];
    if (v.left === 0) {
      if (v.ip === '' || rand() < 0.6) Object.assign(v, { ip: visitorIp(), agent: pick(BROWSERS), proto: rand() < 0.6 ? 'HTTP/2.0' : 'HTTP/1.1', returning: rand() < 0.4 });
      v.page = pick(PAGES);
      v.left = 1 + int(9);
      const r = rand();
      if (r < 0.03) return ok(line(v.ip, '-', stamp, `GET /blog/removed-post/ ${v.proto}`, 404, 27_310 + int(200), pick(REFERRERS), v.agent));
      if (r < 0.05) return ok(line(v.ip, '-', stamp, `GET /?s=${pick(SLUGS).split('-')[0]} ${v.proto}`, 200, 21_000 + int(9000), `https://example.org${v.page}`, v.agent));
      if (r < 0.06) return ok(line(v.ip, '-', stamp, `POST /wp-comments-post.php ${v.proto}`, 302, 0, `https://example.org${v.page}`, v.agent));
      return ok(line(v.ip, '-', stamp, `GET ${v.page} ${v.proto}`, 200, 12_000 + int(60_000), pick(REFERRERS), v.agent));
    }
    v.left--;
    const referrer = `https://example.org${v.page}`;
    if (rand() < 0.04) return ok(line(v.ip, '-', stamp, `GET ${pick(MISSING)} ${v.proto}`, 404, 27_310 + int(200), referrer, v.agent));
    const [path, size] = pick(ASSETS);
    return ok(line(v.ip, '-', stamp, `GET ${path} ${v.proto}`, v.returning ? 304 : 200, v.returning ? 0 : size, referrer, v.agent));
  }

  // Crawlers, feed readers, monitoring, WordPress's own cron and the authors at work.
  function background(stamp) {
    const r = rand();
    if (r < 0.5) {
      const path = rand() < 0.1 ? pick(['/robots.txt', '/sitemap.xml', '/wp-sitemap-posts-post-1.xml']) : pick(PAGES);
      return ok(line(`198.51.100.${200 + int(50)}`, '-', stamp, `GET ${path} HTTP/1.1`, rand() < 0.2 ? 304 : 200, 9_000 + int(40_000), '-', pick(CRAWLERS)));
    }
    if (r < 0.65) return ok(line(visitorIp(), '-', stamp, 'GET /feed/ HTTP/1.1', 304, 0, '-', 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 12 subscribers; )'));
    if (r < 0.75) return ok(line('203.0.113.200', '-', stamp, 'HEAD / HTTP/1.1', 200, 0, 'https://example.org', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)'));
    if (r < 0.85) return ok(line('203.0.113.10', '-', stamp, `POST /wp-cron.php?doing_wp_cron=${1_790_000_000 + int(9_999_999)}.${int(1e6)} HTTP/1.1`, 200, 0, '-', 'WordPress/6.7.1; https://example.org'));
    const [user, ip] = pick(STAFF);
    const agent = BROWSERS[STAFF.findIndex((s) => s[0] === user)];
    const staff = [
      ['-', 'GET /wp-login.php HTTP/2.0', 200, 4_480], ['-', 'POST /wp-login.php HTTP/2.0', 302, 0], ['-', 'GET /wp-admin/ HTTP/2.0', 200, 61_210],
      ['-', 'POST /wp-admin/admin-ajax.php HTTP/2.0', 200, 47], ['-', 'GET /wp-json/wp/v2/posts?context=edit HTTP/2.0', 200, 38_400],
      ['-', 'GET /xmlrpc.php HTTP/2.0', 405, 42], ['-', 'GET /private/ HTTP/2.0', 401, 179], [user, 'GET /private/ HTTP/2.0', 200, 1_432],
    ];
    const [who, request, status, bytes] = pick(staff);
    return ok(line(ip, who, stamp, request, status, bytes, 'https://example.org/wp-admin/', agent));
  }

  const slots = Array.from({ length: 4 }, () => ({ left: 0, kind: '', ip: '', agent: '', path: '' }));
  function attack(stamp) {
    const s = slots[int(slots.length)];
    if (s.left === 0) {
      const k = rand();
      s.ip = rand() < 0.3 ? pick(repeatOffenders) : attackerIp();
      if (k < 0.45) Object.assign(s, { kind: 'wp', left: burst(30, 500), agent: pick(PLAIN_AGENTS), path: pick(['/wp-login.php', '/wp-login.php', '/xmlrpc.php', '//xmlrpc.php', '/wordpress/wp-login.php', '/blog/xmlrpc.php']) });
      else if (k < 0.73) Object.assign(s, { kind: 'probe', left: burst(25, 300), agent: rand() < 0.2 ? pick(BAD_AGENTS) : pick(PLAIN_AGENTS) });
      else if (k < 0.85) Object.assign(s, { kind: 'bot', left: burst(15, 200), agent: pick(BAD_AGENTS) });
      else if (k < 0.93) Object.assign(s, { kind: 'proxy', left: burst(6, 50), agent: pick(PLAIN_AGENTS) });
      else Object.assign(s, { kind: 'auth', left: burst(20, 300), agent: rand() < 0.4 ? 'Mozilla/4.0 (Hydra)' : pick(PLAIN_AGENTS) });
    }
    s.left--;
    const hit = (rules, text) => ({ text, rules, attacker: s.ip });
    if (s.kind === 'wp') {
      if (rand() < 0.1) return hit(0, line(s.ip, '-', stamp, 'GET /wp-login.php HTTP/1.1', 200, 4_480, '-', s.agent));
      // At the root the site answers (the form again, or a refusal mid-flood); elsewhere it has no WordPress.
      const root = s.path === '/wp-login.php' || s.path.endsWith('/xmlrpc.php') && s.path.length <= 12;
      const login = s.path.endsWith('wp-login.php');
      const r = rand();
      const [status, bytes] = !root ? [404, 153] : r < 0.85 ? (login ? [200, 4_500 + int(100)] : [200, 370 + int(300)]) : r < 0.95 ? [pick([429, 503]), 197] : [403, 153];
      const rules = WP | (!root && login ? BOTSEARCH : 0);
      return hit(rules, line(s.ip, '-', stamp, `POST ${s.path} HTTP/1.1`, status, bytes, login ? 'https://example.org/wp-login.php' : '-', s.agent));
    }
    if (s.kind === 'probe') {
      const [path, probed] = pick(PROBES);
      const php = /\.php\b/.test(path);
      const status = rand() < 0.9 ? 404 : 403;
      const bad = BAD_AGENTS.includes(s.agent) ? BADBOTS : 0;
      return hit((probed && status === 404 ? BOTSEARCH : 0) | bad, line(s.ip, '-', stamp, `${path.includes('eval-stdin') ? 'POST' : 'GET'} ${path} HTTP/1.1`, status, php ? 153 : 27_310 + int(200), '-', s.agent));
    }
    if (s.kind === 'bot') {
      const [path, status] = pick(BOT_PATHS);
      return hit(BADBOTS, line(s.ip, '-', stamp, `GET ${path} HTTP/1.1`, status, status === 200 ? 5_000 + int(40_000) : 153, '-', s.agent));
    }
    if (s.kind === 'proxy') {
      const [request, status, bytes] = pick(PROXY_REQUESTS);
      return hit(NOPROXY, line(s.ip, '-', stamp, request, status, bytes, '-', s.agent));
    }
    // Basic-auth guessing on /private/: 401s nginx-http-auth sees in the error log, not these rules.
    return hit(s.agent.includes('(Hydra)') ? BADBOTS : 0, line(s.ip, pick(GUESSED_USERS), stamp, 'GET /private/ HTTP/1.1', 401, 179, '-', s.agent));
  }

  return (stamp) => {
    const r = rand();
    return r < 0.3 ? attack(stamp) : r < 0.37 ? background(stamp) : visit(stamp);
  };
}

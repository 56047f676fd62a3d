import type { RuleSpec } from '../spec.js';
import { ACCESS_HEAD, ACCESS_PREFIX, PATH_CHAR, REQUEST_END } from '../web-prefixes.js';
import { APACHE_ACCESS_LOG } from './apache.js';
import { NGINX_ACCESS_LOG } from './nginx.js';

// Any directory the site lives in (/, /blog/, /wordpress/), then the script, then an optional query.
const wp = (script: string) => String.raw`${ACCESS_HEAD}POST /(?:${PATH_CHAR}*/)?${script}(?:\?[^\s"]*)?${REQUEST_END}`;

export const WORDPRESS_RULES: readonly RuleSpec[] = [
  {
    name: 'wordpress',
    description: 'nginx/Apache access log: WordPress login and XML-RPC floods (POST wp-login.php not redirected, i.e. failed; POST xmlrpc.php)',
    prefilter: ['wp-login.php', 'xmlrpc.php'],
    prefix: ACCESS_PREFIX,
    failregex: [
      // A good password is answered with a redirect (302); a wrong one re-shows the form (200),
      // and a flood also earns 403, 429 or 5xx.
      String.raw`${wp(String.raw`wp-login\.php`)}(?!30\d )\d{3} `,
      String.raw`${wp(String.raw`xmlrpc\.php`)}\d{3} `,
    ],
    ignoreregex: [],
    logpath: [...NGINX_ACCESS_LOG, ...APACHE_ACCESS_LOG],
    port: ['http', 'https'],
    datepattern: ['access-log'],
  },
];

import type { RuleSpec } from '../spec.js';
import { ACCESS_HEAD, ACCESS_PREFIX, QUOTED } from '../web-prefixes.js';

// User agents that only abusive clients send: e-mail harvesters and comment spammers (the
// classic badbots list) and vulnerability scanners. Each is a literal found anywhere in the
// user-agent field; generic libraries (curl, python-requests, Go-http-client) are not listed,
// since admins' own scripts use them.
const HARVESTERS = [
  'EmailCollector', 'EmailSiphon', 'EmailWolf', 'EmailSpider', 'WebEMailExtrac', 'ExtractorPro',
  'Atomic_Email_Hunter', 'autoemailspider', 'Advanced Email Extractor', 'ContactBot', 'ContentSmartz',
  'DataCha0s', 'Franklin Locator', 'Missigua Locator', 'Missauga Locate', 'Guestbook Auto Submitter',
  'Indy Library', 'Microsoft URL Control', 'MFC Foundation Class Library', 'NASA Search', 'Production Bot',
  'Program Shareware', 'psycheclone', 'ShablastBot', 'TrackBack/1.02', 'WebVulnCrawl', 'Wells Search II',
  'WEP Search', 'LARBIN-EXPERIMENTAL', 'LMQueueBot', 'Mac Finder', 'Missouri College Browse', 'Mizzu Labs',
  'Mo College', 'MVAClient', 'NameOfAgent (CMS Spider)', 'Nsauditor', 'Port Huron Labs', 'Under the Rainbow',
  'VadixBot', 'sogou develop spider', 'sogou music spider', 'Educate Search VxB', 'Full Web Bot',
  'IUPUI Research Bot', 'ISC Systems iRc Search', 'Industry Program', 'Lincoln State Web Browser',
  'LWP::Simple/5.803', 'bwh3_user_agent', 'China Local Browse', 'Demo Bot', 'DBrowse 1.4', 'EBrowse 1.4',
  'PBrowse 1.4', 'PEval 1.4', 'DSurf15a', 'ESurf15a', 'FSurf15a', 'PSurf15a', 'RSurf15a', 'SSurf15a',
  'TSurf15a', 'atSpider', 'Poirot', 'Jorgee', 'NEWT ActiveX', 'scan4mail', 'Iplexx Spider', 'DTS Agent',
  'efp@gmx.net', 'Version: xxxx Type:xx', 'searchbot admin@google.com', 'snap.com beta crawler', 'Snapbot/1.0',
  'Sogou Orion spider', 'sogou spider', 'Sogou web spider', 'sohu agent', 'User-Agent: Mozilla', 'LetsCrawl.com',
];
const SCANNERS = [
  'Nikto', 'sqlmap', 'Nmap Scripting Engine', 'masscan', 'zgrab', 'ZmEu', 'Morfeus Fucking Scanner', 'WPScan',
  'DirBuster', 'gobuster', '(Hydra)', 'w3af', 'Acunetix', 'Netsparker', 'OpenVAS', 'fimap', 'Havij', 'Nuclei',
  'BlackWidow', 'WhatWeb', 'Wfuzz', 'Fuzz Faster U Fool', 'l9explore', 'l9tcpid',
  // the IoT botnets' exploit requests (Mozi, Mirai variants: GET /shell?cd+/tmp;wget ...)
  'Hello, world', 'Hello, World',
];

// The prefilter words: a line without one of them is never a bad-bot line.
export const BAD_BOT_WORDS: readonly string[] = [...HARVESTERS, ...SCANNERS];
// The same words as one regex alternative.
export const BAD_BOT_AGENTS = `(?:${BAD_BOT_WORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;

// nginx-badbots and apache-badbots: the same combined-log line, the user agent being the third quoted field.
export function badBotsRule(name: string, server: string, logpath: readonly string[]): RuleSpec {
  return {
    name,
    description: `${server} access log: e-mail harvesters, spam bots and vulnerability scanners by user agent`,
    prefilter: BAD_BOT_WORDS,
    prefix: ACCESS_PREFIX,
    failregex: [String.raw`${ACCESS_HEAD}${QUOTED}" \d{3} \S+ "${QUOTED}" "${QUOTED}?${BAD_BOT_AGENTS}`],
    ignoreregex: [],
    logpath,
    port: ['http', 'https'],
    datepattern: ['access-log'],
  };
}

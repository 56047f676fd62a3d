// Sends each payload on its own TCP connection, in order, and prints what the server answered
// (as JSON: one latin1 string per connection). Run inside the client's network namespace:
//   node raw-client.mjs '{"host":"192.0.2.10","port":8080,"payloads":["<base64>",...],"waitFor":"regex","parallel":false}'
// A connection ends when the server closes it or when the answer matches `waitFor`; 5 s is only a
// bound for a server that hangs, and an answer cut by it says so, so no test can pass by waiting;
// with `parallel` all connections are open at once (answers still in payload order).
import net from 'node:net';

const HANG_BOUND_MS = 5000;

const { host, port, payloads, waitFor, localAddress, parallel } = JSON.parse(process.argv[2]);
const until = waitFor ? new RegExp(waitFor) : null;

function one(payload) {
  return new Promise((resolve) => {
    const chunks = [];
    const s = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) });
    const done = () => { clearTimeout(timer); s.destroy(); resolve(Buffer.concat(chunks).toString('latin1')); };
    const timer = setTimeout(() => { chunks.push(Buffer.from('\nclient gave up: the server neither answered nor closed')); done(); }, HANG_BOUND_MS);
    s.on('connect', () => s.write(Buffer.from(payload, 'base64')));
    s.on('data', (d) => { chunks.push(d); if (until && until.test(Buffer.concat(chunks).toString('latin1'))) done(); });
    s.on('end', done);
    s.on('close', done);
    s.on('error', (e) => { chunks.push(Buffer.from(`\nclient error ${e.code}`)); done(); });
  });
}

const answers = [];
if (parallel) answers.push(...(await Promise.all(payloads.map(one))));
else for (const p of payloads) answers.push(await one(p));
process.stdout.write(JSON.stringify(answers));

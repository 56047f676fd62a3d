// Preloaded with `node --import` (Node 20.6+): appends the URL of every module node loads to the
// file named by LOGBAN_LOAD_LOG, so a test can see which parts of dist/ a run really loaded.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

// The same file is the hooks module: registered from the main thread, run on node's hooks thread.
if (isMainThread) register(import.meta.url);

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.LOGBAN_LOAD_LOG, `${url}\n`);
  return nextLoad(url, context);
}

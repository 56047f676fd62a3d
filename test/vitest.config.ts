import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The project's root, and the host-firewall guard around the whole run (test/setup/host-firewall.ts).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: { globalSetup: ['test/setup/host-firewall.ts'] },
});

import { describeBackendLifecycle } from './helpers/backend-scenarios.js';

// nftables backend: one table `inet logban` with timed sets.
describeBackendLifecycle('nftables');

import { describeBackendLifecycle } from './helpers/backend-scenarios.js';

// ipset backend: hash:ip sets with kernel timeouts, one iptables rule per set.
describeBackendLifecycle('ipset');

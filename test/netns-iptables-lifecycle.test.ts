import { describeBackendLifecycle } from './helpers/backend-scenarios.js';

// The same lifecycle scenarios as the ipset and nftables backends: restore, heal, connlimit, expiry, DOCKER-USER.
describeBackendLifecycle('iptables');

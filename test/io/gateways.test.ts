import { describe, expect, it } from 'vitest';
import { defaultGateways } from '../../src/io/host.js';

// The kernel's routing tables as /proc shows them (these lines are from a Debian 12 host).
const ROUTE = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	010200C0	0003	0	0	0	00000000	0	0	0
eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
`;
const IPV6_ROUTE = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000002 00000000 00000003     eth0
`;

describe('defaultGateways', () => {
  it('reads the default routes\' gateways of both families; routes to a network are not defaults', () => {
    const read = (p: string) => (p === '/proc/net/route' ? ROUTE : IPV6_ROUTE);
    expect(defaultGateways(read)).toEqual(['192.0.2.1', '2001:db8::1']);
  });

  it('a host without routes (a bare namespace) or without IPv6 has none of that family', () => {
    expect(defaultGateways((p) => (p === '/proc/net/route' ? ROUTE.split('\n')[0]! : (() => { throw new Error('ENOENT'); })()))).toEqual([]);
    expect(defaultGateways((p) => (p === '/proc/net/route' ? ROUTE : ''))).toEqual(['192.0.2.1']);
  });
});

import { describe, expect, it } from 'vitest';
import { webhookUrlProblem } from './webhook-url.ts';

const cloud = (url: string) => webhookUrlProblem(url, 'cloud');

/**
 * IANA IPv4 Special-Purpose Address Registry (every block), multicast and the limited broadcast: the
 * first and last address of each, written out by hand so the table does not lean on the code's library.
 */
const IANA_IPV4: [block: string, first: string, last: string][] = [
  ['0.0.0.0/8 "this network"', '0.0.0.0', '0.255.255.255'],
  ['10.0.0.0/8 private', '10.0.0.0', '10.255.255.255'],
  ['100.64.0.0/10 carrier-grade NAT', '100.64.0.0', '100.127.255.255'],
  ['127.0.0.0/8 loopback', '127.0.0.0', '127.255.255.255'],
  ['169.254.0.0/16 link local (cloud metadata)', '169.254.0.0', '169.254.255.255'],
  ['172.16.0.0/12 private', '172.16.0.0', '172.31.255.255'],
  ['192.0.0.0/24 IETF protocol assignments', '192.0.0.0', '192.0.0.255'],
  ['192.0.0.0/29 DS-Lite', '192.0.0.1', '192.0.0.7'],
  ['192.0.0.170/31 NAT64 discovery', '192.0.0.170', '192.0.0.171'],
  ['192.0.2.0/24 TEST-NET-1', '192.0.2.0', '192.0.2.255'],
  ['192.31.196.0/24 AS112-v4', '192.31.196.0', '192.31.196.255'],
  ['192.52.193.0/24 AMT', '192.52.193.0', '192.52.193.255'],
  ['192.88.99.0/24 deprecated 6to4 relay anycast', '192.88.99.0', '192.88.99.255'],
  ['192.168.0.0/16 private', '192.168.0.0', '192.168.255.255'],
  ['192.175.48.0/24 AS112 direct delegation', '192.175.48.0', '192.175.48.255'],
  ['198.18.0.0/15 benchmarking', '198.18.0.0', '198.19.255.255'],
  ['198.51.100.0/24 TEST-NET-2', '198.51.100.0', '198.51.100.255'],
  ['203.0.113.0/24 TEST-NET-3', '203.0.113.0', '203.0.113.255'],
  ['224.0.0.0/4 multicast', '224.0.0.0', '239.255.255.255'],
  ['240.0.0.0/4 reserved', '240.0.0.0', '255.255.255.254'],
  ['255.255.255.255/32 limited broadcast', '255.255.255.255', '255.255.255.255'],
];

/** IANA IPv6 Special-Purpose Address Registry (every block), plus multicast, site-local and what is not global unicast. */
const IANA_IPV6: [block: string, first: string, last: string][] = [
  ['::/128 unspecified', '::', '::'],
  ['::1/128 loopback', '::1', '::1'],
  ['::/96 IPv4-compatible (deprecated)', '::7f00:1', '::a9fe:a9fe'],
  ['::ffff:0:0/96 IPv4-mapped, private v4 inside', '::ffff:0.0.0.0', '::ffff:10.255.255.255'],
  ['::ffff:0:0:0/96 IPv4-translated, private v4 inside', '::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe'],
  ['64:ff9b::/96 NAT64, private v4 inside', '64:ff9b::7f00:1', '64:ff9b::c0a8:101'],
  ['64:ff9b:1::/48 local-use NAT64', '64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff'],
  ['100::/64 discard-only', '100::', '100::ffff:ffff:ffff:ffff'],
  ['100:0:0:1::/64 dummy prefix', '100:0:0:1::', '100:0:0:1:ffff:ffff:ffff:ffff'],
  ['2001::/23 IETF protocol assignments', '2001::', '2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001::/32 Teredo', '2001::1', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:1::1/128 PCP anycast', '2001:1::1', '2001:1::1'],
  ['2001:1::2/128 TURN anycast', '2001:1::2', '2001:1::2'],
  ['2001:1::3/128 DNS-SD SRP anycast', '2001:1::3', '2001:1::3'],
  ['2001:2::/48 benchmarking', '2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff'],
  ['2001:3::/32 AMT', '2001:3::', '2001:3:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:4:112::/48 AS112-v6', '2001:4:112::', '2001:4:112:ffff:ffff:ffff:ffff:ffff'],
  ['2001:10::/28 deprecated ORCHID', '2001:10::', '2001:1f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:20::/28 ORCHIDv2', '2001:20::', '2001:2f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:30::/28 drone remote ID', '2001:30::', '2001:3f:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2001:db8::/32 documentation', '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2002::/16 6to4, private v4 inside', '2002:a00::', '2002:7fff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['2002::/16 6to4, link-local v4 inside', '2002:a9fe:a9fe::', '2002:a9fe:a9fe:ffff:ffff:ffff:ffff:ffff'],
  ['2620:4f:8000::/48 direct delegation AS112', '2620:4f:8000::', '2620:4f:8000:ffff:ffff:ffff:ffff:ffff'],
  ['3fff::/20 documentation', '3fff::', '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['5f00::/16 segment routing SIDs', '5f00::', '5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fc00::/7 unique local', 'fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fe80::/10 link local', 'fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['fec0::/10 deprecated site local', 'fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['ff00::/8 multicast', 'ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ['outside 2000::/3 (unassigned)', '4000::', 'e000::1'],
];

/** Every URL the drills got accepted (issue 8, defect 6), and the other ways to spell an internal host. */
const REFUSED_URLS = [
  // IPv4-mapped and NAT64 IPv6
  'https://[::ffff:127.0.0.1]/',
  'https://[::ffff:7f00:1]/',
  'https://[::ffff:169.254.169.254]/latest/meta-data/',
  'https://[0:0:0:0:0:ffff:a9fe:a9fe]/',
  'https://[::ffff:10.0.0.1]/',
  'https://[64:ff9b::7f00:1]/',
  // trailing-dot names
  'https://localhost./',
  'https://metadata.google.internal./computeMetadata/v1/',
  'https://localhost../',
  // carrier-grade NAT
  'https://100.64.0.1/',
  'https://100.127.255.254/',
  // names
  'https://localhost/',
  'https://LOCALHOST/',
  'https://api.localhost/',
  'https://metadata.google.internal/',
  'https://metadata/',
  'https://printer.local/',
  'https://nas.home.arpa/',
  'https://intranet/',
  'https://example.test/',
  // IPv4 spellings that WHATWG URL normalises to 127.0.0.1 / 169.254.169.254 / 10.0.0.1
  'https://2130706433/',
  'https://0x7f.1/',
  'https://0x7f000001/',
  'https://0177.0.0.1/',
  'https://127.1/',
  'https://127.0.0.1./',
  'https://0/',
  'https://2852039166/',
  'https://0xa9.0xfe.0xa9.0xfe/',
  'https://012.0.0.1/',
  // userinfo and ports do not change where it goes
  'https://user:pass@127.0.0.1:8443/',
  'https://[::1]:443/',
];

const ACCEPTED_URLS = [
  'https://example.org/ia-agent/webhooks',
  'https://hooks.example.com./in', // a trailing dot on a public name is still that public name
  'https://8.8.8.8/',
  'https://1.1.1.1:8443/hook',
  'https://[2606:4700:4700::1111]/',
  'https://[::ffff:8.8.8.8]/', // mapped, but to a public address
  'https://[64:ff9b::808:808]/', // NAT64 of a public address
  'https://[2002:808:808::1]/', // 6to4 of a public address
  // neighbours of the special blocks
  'https://100.63.255.255/',
  'https://100.128.0.0/',
  'https://172.15.255.255/',
  'https://172.32.0.0/',
  'https://169.253.255.255/',
  'https://192.0.1.1/',
  'https://198.17.255.255/',
  'https://198.20.0.0/',
  'https://223.255.255.255/',
  'https://xn--bcher-kva.example.org/', // IDN
];

describe('webhook URLs in the cloud', () => {
  it.each(IANA_IPV4)('refuses IPv4 %s', (_block, first, last) => {
    expect(cloud(`https://${first}/`)).toBe('must be a public address');
    expect(cloud(`https://${last}/`)).toBe('must be a public address');
  });

  it.each(IANA_IPV6)('refuses IPv6 %s', (_block, first, last) => {
    expect(cloud(`https://[${first}]/`)).toBe('must be a public address');
    expect(cloud(`https://[${last}]/`)).toBe('must be a public address');
  });

  it.each(REFUSED_URLS)('refuses %s', (url) => {
    expect(cloud(url)).toBe('must be a public address');
  });

  it.each(ACCEPTED_URLS)('accepts %s', (url) => {
    expect(cloud(url)).toBeUndefined();
  });

  it('refuses anything but https, and what is not a URL', () => {
    expect(cloud('http://example.org/')).toBe('must be an https URL');
    expect(cloud('ftp://example.org/')).toBe('must be an https URL');
    expect(cloud('not a url')).toBe('must be an absolute https URL');
  });

  it('locally, the integrator’s receiver on this machine is fine', () => {
    expect(webhookUrlProblem('http://127.0.0.1:3000/hook', 'local')).toBeUndefined();
    expect(webhookUrlProblem('http://localhost:3000/hook', 'local')).toBeUndefined();
  });
});

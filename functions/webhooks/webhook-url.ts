import ipaddr from 'ipaddr.js';

/**
 * Judges where a webhook may point. In the cloud a subscriber must be a public https URL: the functions
 * would otherwise POST signed bodies into their own private network (or a cloud metadata service) on a
 * caller's say-so. Locally anything http(s) goes: the integrator's receiver is on the same machine.
 *
 * The host is taken from WHATWG URL parsing, which already turns every IPv4 spelling (`2130706433`,
 * `0x7f.1`, `0177.0.0.1`, `127.1`, a trailing dot) into a dotted quad and compresses IPv6; ipaddr.js
 * then parses the address and names its IANA special-purpose range. What DNS makes of a name is not
 * known here: a public name resolving to a private address is the platform's to refuse (Workers'
 * fetch cannot reach private addresses).
 */
export function webhookUrlProblem(url: string, mode: 'local' | 'cloud'): string | undefined {
  if (mode === 'local') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute https URL';
  }
  if (parsed.protocol !== 'https:') return 'must be an https URL';
  return hostProblem(parsed.hostname);
}

const NOT_PUBLIC = 'must be a public address';

function hostProblem(hostname: string): string | undefined {
  if (hostname.startsWith('[')) return addressIsPublic(ipaddr.IPv6.parse(hostname.slice(1, -1))) ? undefined : NOT_PUBLIC;
  if (ipaddr.IPv4.isValidFourPartDecimal(hostname)) return addressIsPublic(ipaddr.IPv4.parse(hostname)) ? undefined : NOT_PUBLIC;
  return nameIsPublic(hostname) ? undefined : NOT_PUBLIC;
}

/**
 * Names that never reach the public internet: RFC 6761 and 8375 special-use names, mDNS, the ICANN
 * `.internal` TLD (GCP's metadata.google.internal), and single labels, which resolvers complete with
 * the search domain of the network the functions run in (GCE's `metadata`).
 */
const PRIVATE_SUFFIXES = ['localhost', 'internal', 'local', 'localdomain', 'home.arpa', 'test', 'invalid', 'example', 'onion', 'alt', 'lan', 'intranet', 'corp', 'private'];

function nameIsPublic(hostname: string): boolean {
  // WHATWG keeps a trailing dot on names (`localhost.` is an absolute name for the same host).
  const name = hostname.replace(/\.+$/, '');
  if (!name.includes('.')) return false;
  return !PRIVATE_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

/**
 * IPv4: only ipaddr.js's `unicast` (outside every block of IANA's IPv4 special-purpose registry,
 * multicast and the reserved 240/4). IPv6: only global unicast (2000::/3) outside IANA's IPv6
 * special-purpose registry; the forms that carry an IPv4 address inside (IPv4-mapped, IPv4-translated,
 * NAT64 64:ff9b::/96, 6to4) are judged by that IPv4 address, since that is where a packet ends up.
 */
export function addressIsPublic(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === 'ipv4') return (address as ipaddr.IPv4).range() === 'unicast';
  const v6 = address as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded) return addressIsPublic(embedded);
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST);
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number];

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const b = v6.toByteArray();
  const range = v6.range();
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, RFC 6145), 64:ff9b::a.b.c.d (RFC 6052).
  if (range === 'ipv4Mapped' || range === 'rfc6145' || v6.match(NAT64_WELL_KNOWN)) return new ipaddr.IPv4(b.slice(12, 16));
  // 2002:AABB:CCDD::/48 carries a.b.c.d in bits 16–47 (RFC 3056).
  if (range === '6to4') return new ipaddr.IPv4(b.slice(2, 6));
  return undefined;
}

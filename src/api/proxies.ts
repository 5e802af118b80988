import { BlockList, isIP } from 'node:net';

const cache = new Map<string, BlockList>();

/** Builds a BlockList from addresses and CIDR ranges (validated by config.ts). */
export function addressList(entries: string[]): BlockList {
  const key = entries.join(',');
  let list = cache.get(key);
  if (list) return list;
  list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  cache.set(key, list);
  return list;
}

export function inAddressList(address: string, entries: string[]): boolean {
  if (!entries.length) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  if (!isIP(plain)) return false;
  return addressList(entries).check(plain, type);
}

export function isTrustedProxy(address: string, trusted: string[]): boolean {
  return inAddressList(address, trusted);
}

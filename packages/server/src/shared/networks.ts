// IP addresses and networks (CIDRs), IPv4 and IPv6, by ipaddr.js: what webhook targets may reach
// (webhooks/targets.ts) and what a ban covers (bans/). An IPv4-mapped IPv6 address
// (::ffff:203.0.113.7, what a dual-stack socket reports for an IPv4 client) stands for its IPv4 address.
import ipaddr from 'ipaddr.js'

export type Network = [ipaddr.IPv4 | ipaddr.IPv6, number]

/** A CIDR or a single address as a network, or null when it is neither. */
export function parseNetwork(value: string): Network | null {
  const v = value.trim()
  try {
    if (v.includes('/')) return ipaddr.parseCIDR(v)
    const addr = ipaddr.process(v)
    return [addr, addr.kind() === 'ipv4' ? 32 : 128]
  } catch {
    return null
  }
}

/**
 * A network as Postgres's `inet` prints it: host bits zeroed (203.0.113.7/24 → 203.0.113.0/24), a
 * single address without its prefix, an IPv4-mapped address as IPv4. `prefix` narrows an address
 * to its network (24: its /24). Null when `value` is no address or network.
 */
export function normalNetwork(value: string, prefix?: number): string | null {
  const parsed = parseNetwork(value)
  if (!parsed) return null
  const [addr, full] = parsed
  const bits = Math.min(prefix ?? full, full)
  const whole = addr.kind() === 'ipv4' ? 32 : 128
  if (bits === whole) return addr.toString()
  const net = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`)
  return `${net.toString()}/${bits}`
}

/** A client's address as it is compared with networks (an IPv4-mapped one as IPv4), or null when it is none. */
export function clientAddress(ip: string | undefined): string | null {
  if (!ip) return null
  try {
    return ipaddr.process(ip).toString()
  } catch {
    return null
  }
}

// Where webhooks may be sent (SSRF): only to public unicast addresses, unless the operator
// allows networks (WEBHOOK_ALLOWED_NETWORKS). Checked when a URL is configured (its literal IP,
// or what its name resolves to) and again on every connection: the delivery's sockets resolve
// the name through lookup() below, which refuses when any address is not allowed and hands the
// socket the very addresses it checked, so a name that rebinds after the check cannot swap them.
// Address classes come from ipaddr.js (the IANA special-purpose registries), not from our own list.
import dns from 'node:dns'
import net from 'node:net'
import ipaddr from 'ipaddr.js'
import { AppError } from '../shared/errors.js'
import { parseNetwork, type Network } from '../shared/networks.js'

/** Resolves a host name to all its addresses (dns.lookup by default: /etc/hosts, then DNS). */
export type Resolver = (hostname: string) => Promise<dns.LookupAddress[]>

export interface WebhookTargetOptions {
  /** Networks (CIDRs or single addresses) webhooks may reach even though they are not public, e.g. ['10.0.0.0/8']. */
  allowedNetworks?: readonly string[]
  /** Name resolution (tests map names to addresses). */
  resolve?: Resolver
}

/** A delivery or a configuration refused because of where the URL leads. */
export class TargetRefused extends Error {
  override name = 'TargetRefused'
}

// How long configuring a webhook waits for its name to resolve.
const CONFIG_LOOKUP_MS = 3000

const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true })
const LOOPBACK: dns.LookupAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
]

export class WebhookTargets {
  private readonly allowed: Network[]
  private readonly resolve: Resolver

  constructor(opts: WebhookTargetOptions = {}) {
    this.allowed = (opts.allowedNetworks ?? []).map((n) => {
      const parsed = parseNetwork(n)
      if (!parsed) throw new Error(`webhook allowed network "${n}" is not a CIDR or an IP address`)
      return parsed
    })
    const resolve = opts.resolve ?? systemResolver
    // RFC 6761: localhost and *.localhost are loopback, whatever a resolver says.
    this.resolve = (hostname) => (/(^|\.)localhost\.?$/i.test(hostname) ? Promise.resolve(LOOPBACK) : resolve(hostname))
  }

  /** Why `address` may not be reached ("loopback", "private", ...), or null when it may. */
  refusal(address: string): string | null {
    // IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
    const addr = ipaddr.process(address)
    if (this.allowed.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits))) return null
    const range = addr.range()
    return range === 'unicast' ? null : range
  }

  /**
   * At configuration time: refuses (400 target_not_allowed) a URL whose host is a literal
   * address that is not allowed, or a name that resolves to one. A name that does not resolve
   * (yet) is accepted: every delivery checks again.
   */
  async check(url: string): Promise<void> {
    const host = hostOf(url)
    let addresses: string[]
    if (net.isIP(host)) addresses = [host]
    else {
      const found = await withTimeout(this.resolve(host), CONFIG_LOOKUP_MS).catch(() => null)
      if (!found) return
      addresses = found.map((a) => a.address)
    }
    const refused = this.firstRefused(addresses)
    if (refused) throw new AppError('target_not_allowed', `invalid body: url: ${describe(host, refused)}`, [{ path: 'url', message: describe(host, refused) }])
  }

  /**
   * Before connecting to a literal address (sockets do not call lookup() for one): throws
   * TargetRefused when it is not allowed.
   */
  checkLiteral(url: URL): void {
    const host = bare(url.hostname)
    if (!net.isIP(host)) return
    const refused = this.firstRefused([host])
    if (refused) throw new TargetRefused(describe(host, refused))
  }

  /**
   * A `lookup` for sockets (http.Agent option): resolves the name once, refuses when any of its
   * addresses is not allowed, and gives the socket exactly the addresses it checked.
   */
  readonly lookup = ((hostname: string, options: dns.LookupOptions, callback: (err: Error | null, address: string | dns.LookupAddress[], family?: number) => void) => {
    this.resolve(hostname).then(
      (found) => {
        const addresses = options.family === 4 || options.family === 6 ? found.filter((a) => a.family === options.family) : found
        const refused = this.firstRefused(addresses.map((a) => a.address))
        if (refused) return callback(new TargetRefused(describe(hostname, refused)), '')
        const first = addresses[0]
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '')
        if (options.all) callback(null, addresses)
        else callback(null, first.address, first.family)
      },
      (e: unknown) => callback(e as Error, ''),
    )
  }) as net.LookupFunction

  private firstRefused(addresses: string[]): { address: string; range: string } | null {
    for (const address of addresses) {
      const range = this.refusal(address)
      if (range) return { address, range }
    }
    return null
  }
}

function describe(host: string, refused: { address: string; range: string }): string {
  // ::ffff:7f00:1 (127.0.0.1): say what a mapped address stands for.
  const plain = ipaddr.process(refused.address).toString()
  const address = plain === refused.address ? plain : `${refused.address} (${plain})`
  const where = host === refused.address ? address : `${host} resolves to ${address}`
  return `${where}, a ${refused.range} address: webhooks go to public addresses only (the operator may allow networks with WEBHOOK_ALLOWED_NETWORKS)`
}

/** The URL's host as sockets see it: IPv6 without brackets; other IPv4 spellings (2130706433, 0x7f.1) are already dotted by URL. */
function hostOf(url: string): string {
  return bare(new URL(url).hostname)
}

function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

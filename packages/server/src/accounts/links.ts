// Secret links (setup, invitation, password reset): the one place that turns a link's token and
// its row into "good", 404 (unknown, or a secret that does not match) or 409 (used, revoked or
// expired, saying which), and that writes the dashboard URL carrying a token in its # fragment
// (so the token never reaches a server's access log).
import { parseLinkToken, secretMatches, type ParsedSecret } from '../shared/secrets.js'
import { AppError, invalidState } from '../shared/errors.js'

export type LinkKind = 'setup' | 'invite' | 'reset'

/** `<PUBLIC_URL>/dashboard/#<kind>/<token>` */
export function dashboardLink(publicUrl: string, kind: LinkKind, token: string): string {
  return `${publicUrl}/dashboard/#${kind}/${token}`
}

interface LinkRow {
  tokenHash: string
  usedAt?: Date | null
  acceptedAt?: Date | null
  revokedAt?: Date | null
  expiresAt?: Date | null
}

const unknown = (what: string) => new AppError('not_found', `${what} not found: the link is not valid (a newer one may have replaced it)`)

/** The id and secret of a link token, or 404 for one that cannot be any link's. */
export function parseLink(token: string, what: string): ParsedSecret {
  const parsed = parseLinkToken(token)
  if (!parsed) throw unknown(what)
  return parsed
}

/** The row, once its secret matches (in constant time) and it can still be used. */
export function checkLink<T extends LinkRow>(row: T | null | undefined, secret: string, what: string): T {
  if (!row || !secretMatches(row.tokenHash, secret)) throw unknown(what)
  if (row.usedAt || row.acceptedAt) throw invalidState(`this ${what} was already used`)
  if (row.revokedAt) throw invalidState(`this ${what} was revoked`)
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw invalidState(`this ${what} has expired`)
  return row
}

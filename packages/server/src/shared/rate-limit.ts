// Abuse limits (rate-limiter-flexible). With Redis every process counts in the same keys, so
// a client spreading its requests over the processes gets no more; without it, or while Redis
// is unreachable, each process counts in memory (the insurance limiter). Every key names a site
// or something that belongs to one (a visitor), so flooding one site never uses up another's
// allowance. A refusal is an AppError `rate_limited` with `retryAfter` (seconds).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { RateLimit, RateLimitSettings } from '../config.js'
import type { VisitorActor } from './context.js'
import { AppError, rateLimited } from './errors.js'

/** The node-redis client the app already has (any connected, non-subscriber client). */
export interface RedisStore {
  isReady: boolean
}

class Limiter {
  private readonly limiter: RateLimiterAbstract

  constructor(
    name: string,
    private readonly limit: RateLimit,
    prefix: string,
    redis: RedisStore | undefined,
    private readonly message: string,
  ) {
    const opts = { keyPrefix: `${prefix}:${name}`, points: limit.points, duration: limit.seconds }
    this.limiter = redis
      ? new RateLimiterRedis({
          ...opts,
          storeClient: redis,
          useRedisPackage: true,
          // While Redis is down, count here instead of waiting in node-redis's offline queue.
          rejectIfRedisNotReady: true,
          insuranceLimiter: new RateLimiterMemory(opts),
        })
      : new RateLimiterMemory(opts)
  }

  /** Counts one; throws rate_limited once the window's allowance is used up. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key)
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(this.message, e.msBeforeNext)
      // Neither Redis nor the insurance limiter answered: let the request through.
      if (!(e instanceof Error)) throw e
    }
  }

  /** Gives one back (an attempt that should not count after all). */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1).catch(() => undefined)
  }

  /** Forgets the key (e.g. failed logins after a successful one). */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch(() => undefined)
  }
}

const noop = { consume: async () => undefined, refund: async () => undefined, reset: async () => undefined }
type LimiterLike = Pick<Limiter, 'consume' | 'refund' | 'reset'>

export class RateLimits {
  private readonly sessions: LimiterLike
  private readonly messages: LimiterLike
  private readonly uploads: LimiterLike
  private readonly events: LimiterLike
  private readonly login: LimiterLike
  private readonly loginIp: LimiterLike
  private readonly tokens: LimiterLike
  private readonly forgot: LimiterLike
  private readonly forgotIp: LimiterLike
  private readonly userAttempts: LimiterLike

  constructor(settings: RateLimitSettings, redis?: RedisStore) {
    const make = (name: string, limit: RateLimit | null, message: string): LimiterLike =>
      limit ? new Limiter(name, limit, settings.prefix, redis, message) : noop
    this.sessions = make('sessions', settings.sessions, 'too many new sessions from this address; retry later')
    this.messages = make('messages', settings.messages, 'too many messages; slow down')
    this.uploads = make('uploads', settings.uploads, 'too many uploads; retry later')
    this.events = make('events', settings.events, 'too many typing, page or profile events; slow down')
    this.login = make('login', settings.login, 'too many failed logins for this email; retry later')
    this.loginIp = make('login-ip', settings.loginIp, 'too many failed logins from this address; retry later')
    this.tokens = make('tokens', settings.tokens, 'too many attempts with links from this address; retry later')
    this.forgot = make('forgot', settings.forgot, 'too many password reset requests for this email; retry later')
    this.forgotIp = make('forgot-ip', settings.forgotIp, 'too many password reset requests from this address; retry later')
    this.userAttempts = make('two-factor', settings.twoFactor, 'too many attempts; retry later')
  }

  /** A request to a public endpoint that takes a secret link's token (setup, invitation, password reset), from `ip`. */
  tokenAttempt(ip: string | undefined): Promise<void> {
    return this.tokens.consume(ip ?? '?')
  }

  /** A "forgot password" request for `email` from `ip`: counted per address and per email. */
  async forgotPassword(email: string, ip: string | undefined): Promise<void> {
    await this.forgotIp.consume(ip ?? '?')
    await this.forgot.consume(email.trim().toLowerCase())
  }

  /**
   * Runs a two-factor code or a password confirmation of `userId` under the per-user limit:
   * every attempt counts before it is checked (parallel guesses cannot slip past), a success
   * clears the user's count.
   */
  async userAttempt<T>(userId: string, attempt: () => Promise<T>): Promise<T> {
    await this.userAttempts.consume(userId)
    const result = await attempt()
    await this.userAttempts.reset(userId)
    return result
  }

  /** A visitor session asked for on `siteId` from `ip`. */
  session(siteId: string, ip: string | undefined): Promise<void> {
    return this.sessions.consume(`${siteId.toLowerCase()}|${ip ?? '?'}`)
  }

  /** An anonymous "a proactive message was shown" beacon for `siteId` from `ip` (counted like new sessions, apart from them). */
  triggerShown(siteId: string, ip: string | undefined): Promise<void> {
    return this.sessions.consume(`shown|${siteId.toLowerCase()}|${ip ?? '?'}`)
  }

  /** A message (or a conversation start) from a visitor. */
  message(visitor: VisitorActor): Promise<void> {
    return this.messages.consume(visitor.visitorId)
  }

  /** A typing indicator, page view or profile update from a visitor. */
  event(visitor: VisitorActor): Promise<void> {
    return this.events.consume(visitor.visitorId)
  }

  /** An upload from a visitor. */
  upload(visitor: VisitorActor): Promise<void> {
    return this.uploads.consume(visitor.visitorId)
  }

  /**
   * Runs a login attempt under the login limits. Every attempt counts before the password is
   * checked (so parallel guesses cannot slip past the count); a success clears the email's
   * failures and gives back its count from the address; an attempt that failed for another
   * reason than the credentials (the database is down) gives both back.
   */
  async loginAttempt<T>(email: string, ip: string | undefined, attempt: () => Promise<T>): Promise<T> {
    const address = ip ?? '?'
    const emailKey = `${email.trim().toLowerCase()}|${address}`
    await this.loginIp.consume(address)
    try {
      await this.login.consume(emailKey)
    } catch (e) {
      await this.loginIp.refund(address)
      throw e
    }
    try {
      const result = await attempt()
      await Promise.all([this.login.reset(emailKey), this.loginIp.refund(address)])
      return result
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'unauthorized')) await Promise.all([this.login.refund(emailKey), this.loginIp.refund(address)])
      throw e
    }
  }
}

import type { RecoveryCodes, TwoFactorSetup, UserSession } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * The signed-in person's own account (`agent.account`): password, devices and two-factor
 * sign-in; and the password reset, which needs no sign-in. Signing in and out is the client's
 * own: `agent.login()`, `agent.logout()`.
 */
export class AccountApi extends AgentApi {
  /** Changes the password (the current one confirms it). Every other session of the account ends; this one stays. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.ctx.http('POST', '/api/auth/password', { body: { currentPassword, newPassword } })
  }

  /**
   * Asks for a password-reset email (signed out). The server answers the same whether or not the
   * email has an account; the link (`/dashboard/#reset/<token>`) is valid for 30 minutes.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.ctx.http('POST', '/api/auth/password/forgot', { body: { email }, token: null })
  }

  /**
   * Sets a new password with the token from a reset link (signed out). Every session of the
   * account ends; sign in again (with `agent.login()`) as the email it answers.
   * @throws LiveChatError `not_found` for an unknown token, `invalid_state` for a used or expired one.
   */
  async resetPassword(token: string, password: string): Promise<{ email: string }> {
    return this.ctx.http<{ email: string }>('POST', '/api/auth/password/reset', { body: { token, password }, token: null })
  }

  /** The account's signed-in devices, this one marked `current`. */
  async sessions(): Promise<UserSession[]> {
    const { items } = await this.ctx.http<{ items: UserSession[] }>('GET', '/api/auth/sessions')
    return items
  }

  /** Ends one of the account's sessions (signs that device out at once). Ending the current one signs this client out (`signed-out`). */
  async endSession(sessionId: string): Promise<void> {
    await this.ctx.http('DELETE', `/api/auth/sessions/${seg(sessionId)}`)
  }

  /** Starts enrolling an authenticator app: a new secret (as text, URI and QR code), pending until {@link twoFactorEnable}. */
  async twoFactorSetup(): Promise<TwoFactorSetup> {
    return this.ctx.http<TwoFactorSetup>('POST', '/api/auth/two-factor/setup')
  }

  /** Turns two-factor sign-in on with the app's first code; answers the recovery codes (show them this once). */
  async twoFactorEnable(code: string): Promise<RecoveryCodes> {
    return this.ctx.http<RecoveryCodes>('POST', '/api/auth/two-factor/enable', { body: { code } })
  }

  /**
   * Turns two-factor sign-in off (the password confirms it).
   * @throws LiveChatError `invalid_state` when the agency requires two-factor sign-in.
   */
  async twoFactorDisable(password: string): Promise<void> {
    await this.ctx.http('POST', '/api/auth/two-factor/disable', { body: { password } })
  }

  /** New recovery codes (the password confirms it); the old ones stop working. */
  async regenerateRecoveryCodes(password: string): Promise<RecoveryCodes> {
    return this.ctx.http<RecoveryCodes>('POST', '/api/auth/two-factor/recovery-codes', { body: { password } })
  }
}

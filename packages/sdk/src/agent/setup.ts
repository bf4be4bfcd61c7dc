import type { AgencySite, AgentSession, CompleteSetup, SetupState } from '@live-chat/protocol'
import { AgentApi } from './context.js'

/** What {@link SetupApi.complete} answers: the owner's session and the first site. */
export interface SetupDone {
  session: AgentSession
  site: AgencySite
}

/** The server's first-run setup (`agent.setup`), before any account exists: no sign-in needed. */
export class SetupApi extends AgentApi {
  /** Whether the server still waits for its first-run setup (no account exists yet). */
  async state(): Promise<SetupState> {
    return this.ctx.http<SetupState>('GET', '/api/setup', { token: null })
  }

  /**
   * Checks a setup token (from the link the server logs on its first start) before the form is shown.
   * @throws LiveChatError `not_found` for an unknown token, `invalid_state` once used or set up.
   */
  async verify(token: string): Promise<void> {
    await this.ctx.http('POST', '/api/setup/verify', { body: { token }, token: null })
  }

  /**
   * Creates the workspace in one step: the owner's account, the agency and its first site (its
   * `domains` become the site's allowed origins). Signs in as the owner: the client keeps the token.
   */
  async complete(input: CompleteSetup): Promise<SetupDone> {
    const done = await this.ctx.http<SetupDone>('POST', '/api/setup', { body: input, token: null })
    this.ctx.signedIn(done.session)
    return done
  }
}

import type { AcceptInvitation, AgentSession, CreateInvitation, Invitation, InvitationPreview, InvitationSent, ListInvitationsQuery } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi } from './context.js'

/**
 * Invitations to the agency (`agent.invitations`): sent and managed by owners and admins (a site
 * admin sees their sites'); looked up and accepted by the invitee, signed out.
 */
export class InvitationsApi extends AgentApi {
  /** Invitations, pending ones by default. */
  async list(query: ListInvitationsQuery = {}): Promise<Invitation[]> {
    const { items } = await this.ctx.http<{ items: Invitation[] }>('GET', '/api/agency/invitations', { query: { ...query } })
    return items
  }

  /**
   * Invites someone by email to the agency and sites. Without email on the server (or when
   * sending failed) the answer has the `link` to hand over; an email that already has an account
   * in the agency is given the memberships at once (`added`).
   */
  async create(input: CreateInvitation): Promise<InvitationSent> {
    return this.ctx.http<InvitationSent>('POST', '/api/agency/invitations', { body: input })
  }

  /** Sends an invitation again with a new link (the old link stops working). */
  async resend(id: string): Promise<InvitationSent> {
    return this.ctx.http<InvitationSent>('POST', `/api/agency/invitations/${seg(id)}/resend`)
  }

  /** Revokes a pending invitation: its link stops working. */
  async revoke(id: string): Promise<void> {
    await this.ctx.http('DELETE', `/api/agency/invitations/${seg(id)}`)
  }

  /** What an invitation link offers: who invited whom, to which agency, sites and role (no sign-in needed). */
  async lookup(token: string): Promise<InvitationPreview> {
    return this.ctx.http<InvitationPreview>('POST', '/api/invitations/lookup', { body: { token }, token: null })
  }

  /**
   * Accepts an invitation with the invitee's name and password: the account is made and signed in
   * (the client keeps the token, as after `login()`).
   * @throws LiveChatError `invalid_state` for a used, revoked or expired invitation, `conflict` when the email has an account since.
   */
  async accept(input: AcceptInvitation): Promise<AgentSession> {
    const session = await this.ctx.http<AgentSession>('POST', '/api/invitations/accept', { body: input, token: null })
    this.ctx.signedIn(session)
    return session
  }
}

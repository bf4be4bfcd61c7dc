// The one table of the HTTP API: every route the app mounts, with the schemas it parses and
// answers with (all from @live-chat/protocol), who may call it and how. document.ts turns it into
// the OpenAPI document; test/openapi/coverage.test.ts fails when the app has a route this table
// lacks, or the other way round.
import { z } from 'zod'
import * as p from '@live-chat/protocol'

export type Method = 'get' | 'post' | 'patch' | 'delete'

/**
 * Who may call: nobody in particular (`public`), a visitor's session token, a signed-in agent's
 * access token, or (`site`, `agency`) either an agent's token or an API key whose scopes allow
 * the route (api-keys/scopes.ts decides which routes keys may call). `metrics`: METRICS_TOKEN.
 */
export type Auth = 'public' | 'visitor' | 'agent' | 'site' | 'agency' | 'metrics'

/** A JSON answer (a zod schema), no body (null), or other media types. */
export type Answer = z.ZodType | null | { description?: string; content: Record<string, z.ZodType | Record<string, unknown>>; headers?: Record<string, { description: string; schema: Record<string, unknown> }> }

export interface Operation {
  method: Method
  /** As Express writes it: /api/sites/:siteId/agents/:agentId */
  path: string
  id: string
  tag: string
  summary: string
  description?: string
  auth: Auth
  query?: z.ZodObject
  /** A JSON body, or a multipart upload. */
  body?: z.ZodType | 'multipart'
  /** The answers that are not the standard error body, by status (mostly the successful ones). */
  ok: Partial<Record<number, Answer>>
  /** Counted by an abuse limit (429 rate_limited). */
  limited?: boolean
}

// Answers that are a route's own envelope around protocol types.
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) })
const Ok = z.object({ ok: z.literal(true) })
const download = (type: string, schema: Record<string, unknown> = { type: 'string' }, description = 'A file download (Content-Disposition: attachment).') => ({
  description,
  content: { [type]: schema },
  headers: { 'Content-Disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } } },
})
const CSV = 'text/csv; charset=utf-8'

/** GET /healthz */
export const Health = z.object({ ok: z.literal(true) })
const Check = z.enum(['ok', 'unavailable', 'off'])
/** GET /readyz: which part failed, never why in detail (it is public). */
export const Readiness = z.object({
  ok: z.boolean(),
  database: Check,
  redis: Check,
  draining: z.boolean(),
  failed: z.array(z.enum(['database', 'redis', 'draining'])),
})

const SITE = '/api/sites/:siteId'

export const OPERATIONS: Operation[] = [
  // ---------------------------------------------------------------- probes and files (outside /api)
  { method: 'get', path: '/healthz', id: 'health', tag: 'Operations', summary: 'Is the process alive?', auth: 'public', ok: { 200: Health } },
  {
    method: 'get',
    path: '/readyz',
    id: 'ready',
    tag: 'Operations',
    summary: 'May this process take traffic?',
    description: '200 when the database answers, Redis (if configured) is connected and no shutdown has started; else 503 with the same body.',
    auth: 'public',
    ok: { 200: Readiness, 503: Readiness },
  },
  {
    method: 'get',
    path: '/metrics',
    id: 'metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set; without one it is open in development and off (404) in production.',
    auth: 'metrics',
    ok: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain; version=0.0.4; charset=utf-8': { type: 'string' } } } },
  },
  {
    method: 'get',
    path: '/uploads/:id/:name',
    id: 'getUpload',
    tag: 'Uploads',
    summary: 'An uploaded file',
    description: 'The unguessable id is the capability (the `url` of an Attachment). Images are served inline, anything else as a download; always with nosniff and a sandboxing CSP.',
    auth: 'public',
    ok: { 200: { description: 'The file, with the content type detected at upload.', content: { '*/*': { type: 'string', contentMediaType: 'application/octet-stream' } } } },
  },
  { method: 'get', path: '/api/openapi.json', id: 'openApi', tag: 'Operations', summary: 'This document', auth: 'public', ok: { 200: { content: { 'application/json': { type: 'object' } } } } },

  // ---------------------------------------------------------------- first-run setup and invitations
  { method: 'get', path: '/api/setup', id: 'setupState', tag: 'Setup', summary: 'Is first-run setup needed?', auth: 'public', ok: { 200: p.SetupState } },
  { method: 'post', path: '/api/setup/verify', id: 'verifySetupToken', tag: 'Setup', summary: 'Check a setup token', auth: 'public', body: p.VerifySetupToken, ok: { 204: null }, limited: true },
  {
    method: 'post',
    path: '/api/setup',
    id: 'completeSetup',
    tag: 'Setup',
    summary: 'Create the owner, agency and first site',
    auth: 'public',
    body: p.CompleteSetup,
    ok: { 201: z.object({ session: p.AgentSession, site: p.AgencySite }) },
    limited: true,
  },
  { method: 'post', path: '/api/invitations/lookup', id: 'lookupInvitation', tag: 'Invitations', summary: 'What an invitation link offers', auth: 'public', body: p.LookupInvitation, ok: { 200: p.InvitationPreview }, limited: true },
  { method: 'post', path: '/api/invitations/accept', id: 'acceptInvitation', tag: 'Invitations', summary: 'Accept an invitation (signs in)', auth: 'public', body: p.AcceptInvitation, ok: { 201: p.AgentSession }, limited: true },

  // ---------------------------------------------------------------- sign-in and the signed-in account
  {
    method: 'post',
    path: '/api/auth/login',
    id: 'login',
    tag: 'Auth',
    summary: 'Sign in',
    description: 'Answers a session, or a two-factor challenge when a second step is needed.',
    auth: 'public',
    body: p.Login,
    ok: { 200: z.union([p.AgentSession, p.TwoFactorRequired]) },
    limited: true,
  },
  { method: 'post', path: '/api/auth/login/two-factor', id: 'loginTwoFactor', tag: 'Auth', summary: 'Second sign-in step', auth: 'public', body: p.TwoFactorLogin, ok: { 200: p.AgentSession } },
  { method: 'post', path: '/api/auth/login/two-factor/setup', id: 'loginTwoFactorSetup', tag: 'Auth', summary: 'Enrol two-factor at sign-in: a new secret', auth: 'public', body: p.TwoFactorChallenge, ok: { 200: p.TwoFactorSetup } },
  {
    method: 'post',
    path: '/api/auth/login/two-factor/enable',
    id: 'loginTwoFactorEnable',
    tag: 'Auth',
    summary: 'Enrol two-factor at sign-in: confirm and sign in',
    auth: 'public',
    body: p.TwoFactorEnrolAtLogin,
    ok: { 200: p.AgentSession.extend(p.RecoveryCodes.shape) },
  },
  { method: 'post', path: '/api/auth/logout', id: 'logout', tag: 'Auth', summary: "End this token's session", auth: 'agent', ok: { 204: null } },
  { method: 'post', path: '/api/auth/refresh', id: 'refresh', tag: 'Auth', summary: 'A fresh token for a still valid one', auth: 'agent', ok: { 200: p.AgentSession } },
  { method: 'get', path: '/api/auth/me', id: 'me', tag: 'Auth', summary: 'The signed-in user, their sites and agency', auth: 'agent', ok: { 200: p.AgentProfile } },
  { method: 'post', path: '/api/auth/password/forgot', id: 'forgotPassword', tag: 'Auth', summary: 'Email a reset link (always 202)', auth: 'public', body: p.ForgotPassword, ok: { 202: Ok }, limited: true },
  { method: 'post', path: '/api/auth/password/reset', id: 'resetPassword', tag: 'Auth', summary: 'Set a new password with a reset link', auth: 'public', body: p.ResetPassword, ok: { 200: z.object({ email: z.string() }) }, limited: true },
  { method: 'post', path: '/api/auth/password', id: 'changePassword', tag: 'Auth', summary: 'Change the password (other sessions end)', auth: 'agent', body: p.ChangePassword, ok: { 204: null } },
  { method: 'get', path: '/api/auth/sessions', id: 'listSessions', tag: 'Auth', summary: "The user's signed-in devices", auth: 'agent', ok: { 200: list(p.UserSession) } },
  { method: 'delete', path: '/api/auth/sessions/:sessionId', id: 'endSession', tag: 'Auth', summary: 'Sign a device out', auth: 'agent', ok: { 204: null } },
  { method: 'post', path: '/api/auth/two-factor/setup', id: 'twoFactorSetup', tag: 'Auth', summary: 'A new authenticator secret', auth: 'agent', ok: { 200: p.TwoFactorSetup } },
  { method: 'post', path: '/api/auth/two-factor/enable', id: 'twoFactorEnable', tag: 'Auth', summary: 'Turn two-factor on', auth: 'agent', body: p.EnableTwoFactor, ok: { 200: p.RecoveryCodes } },
  { method: 'post', path: '/api/auth/two-factor/disable', id: 'twoFactorDisable', tag: 'Auth', summary: 'Turn two-factor off', auth: 'agent', body: p.ConfirmPassword, ok: { 204: null } },
  { method: 'post', path: '/api/auth/two-factor/recovery-codes', id: 'regenerateRecoveryCodes', tag: 'Auth', summary: 'New recovery codes', auth: 'agent', body: p.ConfirmPassword, ok: { 200: p.RecoveryCodes } },

  // ---------------------------------------------------------------- the agency
  { method: 'get', path: '/api/agency', id: 'getAgency', tag: 'Agency', summary: "The caller's agency", auth: 'agency', ok: { 200: p.Agency } },
  { method: 'patch', path: '/api/agency', id: 'updateAgency', tag: 'Agency', summary: 'Rename, require two-factor', auth: 'agency', body: p.UpdateAgency, ok: { 200: p.Agency } },
  { method: 'get', path: '/api/agency/sites', id: 'listSites', tag: 'Agency', summary: "The agency's sites", auth: 'agency', ok: { 200: list(p.AgencySite) } },
  { method: 'post', path: '/api/agency/sites', id: 'createSite', tag: 'Agency', summary: 'Add a site', auth: 'agency', body: p.CreateSite, ok: { 201: p.AgencySite } },
  { method: 'delete', path: '/api/agency/sites/:siteId', id: 'deleteSite', tag: 'Agency', summary: 'Delete a site and everything in it', auth: 'agency', body: p.DeleteSite, ok: { 204: null } },
  { method: 'get', path: '/api/agency/members', id: 'listMembers', tag: 'Agency', summary: 'The people of the agency', auth: 'agency', ok: { 200: list(p.Member) } },
  { method: 'patch', path: '/api/agency/members/:userId', id: 'updateMember', tag: 'Agency', summary: "Change a member's agency role", auth: 'agency', body: p.UpdateMember, ok: { 200: p.Member } },
  { method: 'delete', path: '/api/agency/members/:userId', id: 'removeMember', tag: 'Agency', summary: 'Remove a member', auth: 'agency', ok: { 204: null } },
  { method: 'get', path: '/api/agency/invitations', id: 'listInvitations', tag: 'Invitations', summary: "The agency's invitations", auth: 'agency', query: p.ListInvitationsQuery, ok: { 200: list(p.Invitation) } },
  { method: 'post', path: '/api/agency/invitations', id: 'createInvitation', tag: 'Invitations', summary: 'Invite someone by email', auth: 'agency', body: p.CreateInvitation, ok: { 201: p.InvitationSent } },
  { method: 'post', path: '/api/agency/invitations/:id/resend', id: 'resendInvitation', tag: 'Invitations', summary: 'Send an invitation again (a new link)', auth: 'agency', ok: { 200: p.InvitationSent } },
  { method: 'delete', path: '/api/agency/invitations/:id', id: 'revokeInvitation', tag: 'Invitations', summary: 'Revoke an invitation', auth: 'agency', ok: { 204: null } },
  { method: 'get', path: '/api/agency/api-keys', id: 'listApiKeys', tag: 'API keys', summary: "The agency's API keys", auth: 'agency', ok: { 200: list(p.ApiKey) } },
  { method: 'post', path: '/api/agency/api-keys', id: 'createApiKey', tag: 'API keys', summary: 'Make a key (its secret is shown this once)', auth: 'agency', body: p.CreateApiKey, ok: { 201: p.ApiKeyCreated } },
  { method: 'delete', path: '/api/agency/api-keys/:id', id: 'revokeApiKey', tag: 'API keys', summary: 'Revoke a key', auth: 'agency', ok: { 204: null } },
  { method: 'get', path: '/api/agency/audit', id: 'listAudit', tag: 'Audit', summary: 'The audit log, newest first', auth: 'agency', query: p.AuditQuery, ok: { 200: p.pageOf(p.AuditEvent) } },
  {
    method: 'get',
    path: '/api/agency/audit.csv',
    id: 'exportAudit',
    tag: 'Audit',
    summary: 'Every matching audit event as CSV',
    description: 'The filters of the audit log; no `cursor` or `limit`.',
    auth: 'agency',
    query: p.AuditQuery.omit({ cursor: true, limit: true }),
    ok: { 200: download(CSV) },
  },

  // ---------------------------------------------------------------- the widget (visitors)
  { method: 'get', path: `${SITE}/widget`, id: 'widgetConfig', tag: 'Visitors', summary: "A site's public widget settings", auth: 'public', ok: { 200: p.WidgetConfig } },
  {
    method: 'post',
    path: `${SITE}/visitor-sessions`,
    id: 'createVisitorSession',
    tag: 'Visitors',
    summary: 'Start or resume a visitor session',
    auth: 'public',
    body: p.CreateVisitorSession,
    ok: { 201: p.VisitorSession },
    limited: true,
  },
  { method: 'get', path: '/api/visitor/me', id: 'visitorMe', tag: 'Visitors', summary: "The visitor's profile", auth: 'visitor', ok: { 200: p.VisitorProfile } },
  { method: 'get', path: '/api/visitor/conversations', id: 'visitorConversations', tag: 'Visitors', summary: "The visitor's conversations", auth: 'visitor', ok: { 200: list(p.VisitorConversation) } },
  {
    method: 'get',
    path: '/api/visitor/conversations/:id/messages',
    id: 'visitorMessages',
    tag: 'Visitors',
    summary: 'Messages of one of their conversations',
    auth: 'visitor',
    query: p.MessagesQuery,
    ok: { 200: p.MessagePage },
  },
  {
    method: 'post',
    path: '/api/visitor/conversations/:id/transcript',
    id: 'emailTranscript',
    tag: 'Visitors',
    summary: 'Email the transcript to the visitor',
    auth: 'visitor',
    body: p.RequestTranscript,
    ok: { 200: z.object({ sentTo: z.string() }) },
  },
  { method: 'post', path: '/api/visitor/uploads', id: 'visitorUpload', tag: 'Uploads', summary: 'Upload a file to attach to a message', auth: 'visitor', body: 'multipart', ok: { 201: p.UploadedFile }, limited: true },

  // ---------------------------------------------------------------- a site (agents and API keys)
  {
    method: 'get',
    path: `${SITE}/conversations`,
    id: 'listConversations',
    tag: 'Conversations',
    summary: 'The inbox: conversations, newest activity first',
    auth: 'site',
    query: p.ListConversationsQuery,
    ok: { 200: p.pageOf(p.ConversationSummary) },
  },
  { method: 'get', path: `${SITE}/conversations/:id`, id: 'getConversation', tag: 'Conversations', summary: 'One conversation', auth: 'site', ok: { 200: p.ConversationSummary } },
  { method: 'patch', path: `${SITE}/conversations/:id`, id: 'updateConversation', tag: 'Conversations', summary: 'Priority, tags, subject', auth: 'site', body: p.UpdateConversationBody, ok: { 200: p.ConversationSummary } },
  { method: 'post', path: `${SITE}/conversations/:id/assign`, id: 'assignConversation', tag: 'Conversations', summary: 'Assign, transfer (to an agent or a team) or unassign', auth: 'site', body: p.AssignBody, ok: { 200: p.ConversationSummary } },
  { method: 'post', path: `${SITE}/conversations/:id/resolve`, id: 'resolveConversation', tag: 'Conversations', summary: 'Resolve', auth: 'site', ok: { 200: p.ConversationSummary } },
  { method: 'post', path: `${SITE}/conversations/:id/reopen`, id: 'reopenConversation', tag: 'Conversations', summary: 'Reopen', auth: 'site', ok: { 200: p.ConversationSummary } },
  { method: 'get', path: `${SITE}/conversations/:id/messages`, id: 'listMessages', tag: 'Conversations', summary: 'Messages, a page at a time', auth: 'site', query: p.MessagesQuery, ok: { 200: p.MessagePage } },
  {
    method: 'post',
    path: `${SITE}/conversations/:id/messages`,
    id: 'sendMessage',
    tag: 'Conversations',
    summary: 'Send a message or a private note',
    description:
      'Idempotent by `clientId`: 201 when stored now, 200 with the stored message when that clientId was sent before. `content` adds buttons, a card or a choice (see RichContent). With an API key, `agentId` names the agent it is sent as, or `bot: { name }` sends it as a bot (sender type `bot`).',
    auth: 'site',
    body: p.PostMessageBody,
    ok: { 201: p.Message, 200: p.Message },
  },
  {
    method: 'get',
    path: `${SITE}/conversations/:id/transcript`,
    id: 'transcript',
    tag: 'Conversations',
    summary: "A conversation's transcript",
    auth: 'site',
    query: p.TranscriptQuery,
    ok: {
      200: {
        description: 'A download in the asked `format`: JSON (a Transcript), CSV (one row per message) or plain text.',
        content: { 'application/json; charset=utf-8': p.Transcript, [CSV]: { type: 'string' }, 'text/plain; charset=utf-8': { type: 'string' } },
        headers: download(CSV).headers,
      },
    },
  },
  {
    method: 'get',
    path: `${SITE}/exports/conversations.csv`,
    id: 'exportConversations',
    tag: 'Conversations',
    summary: 'Every matching conversation as CSV',
    description: 'The filters of the conversation list; no `cursor` or `limit`.',
    auth: 'site',
    query: z.object(p.ListConversationsQuery.shape).omit({ cursor: true, limit: true }),
    ok: { 200: download(CSV) },
  },
  { method: 'get', path: `${SITE}/canned-responses`, id: 'listCannedResponses', tag: 'Canned responses', summary: 'Canned responses (shared and own)', auth: 'site', query: p.CannedResponsesQuery, ok: { 200: list(p.CannedResponse) } },
  { method: 'post', path: `${SITE}/canned-responses`, id: 'createCannedResponse', tag: 'Canned responses', summary: 'Add one', auth: 'site', body: p.CreateCannedResponse, ok: { 201: p.CannedResponse } },
  { method: 'patch', path: `${SITE}/canned-responses/:id`, id: 'updateCannedResponse', tag: 'Canned responses', summary: 'Change one', auth: 'site', body: p.UpdateCannedResponse, ok: { 200: p.CannedResponse } },
  { method: 'post', path: `${SITE}/canned-responses/:id/use`, id: 'useCannedResponse', tag: 'Canned responses', summary: 'Count a use', auth: 'site', ok: { 200: p.CannedResponse } },
  { method: 'delete', path: `${SITE}/canned-responses/:id`, id: 'deleteCannedResponse', tag: 'Canned responses', summary: 'Delete one', auth: 'site', ok: { 204: null } },

  // ---------------------------------------------------------------- teams
  { method: 'get', path: `${SITE}/teams`, id: 'listTeams', tag: 'Teams', summary: 'Teams (departments) with their members', auth: 'site', ok: { 200: list(p.Team) } },
  { method: 'post', path: `${SITE}/teams`, id: 'createTeam', tag: 'Teams', summary: 'Add one (admins)', auth: 'site', body: p.CreateTeam, ok: { 201: p.Team } },
  { method: 'patch', path: `${SITE}/teams/:id`, id: 'updateTeam', tag: 'Teams', summary: 'Rename it or set its members (admins)', auth: 'site', body: p.UpdateTeam, ok: { 200: p.Team } },
  {
    method: 'delete',
    path: `${SITE}/teams/:id`,
    id: 'deleteTeam',
    tag: 'Teams',
    summary: 'Delete one (admins)',
    description: 'Its conversations and proactive messages stay, for no team.',
    auth: 'site',
    ok: { 204: null },
  },

  // ---------------------------------------------------------------- SLA policies
  { method: 'get', path: `${SITE}/sla-policies`, id: 'listSlaPolicies', tag: 'SLA', summary: 'SLA policies (targets per team and priority)', auth: 'site', ok: { 200: list(p.SlaPolicy) } },
  {
    method: 'post',
    path: `${SITE}/sla-policies`,
    id: 'createSlaPolicy',
    tag: 'SLA',
    summary: 'Add one (admins)',
    description: 'One policy per team and priority (null: any). The most specific applies: team and priority, then team, then priority, then the default.',
    auth: 'site',
    body: p.CreateSlaPolicy,
    ok: { 201: p.SlaPolicy },
  },
  { method: 'patch', path: `${SITE}/sla-policies/:id`, id: 'updateSlaPolicy', tag: 'SLA', summary: 'Change one (admins); running clocks take it', auth: 'site', body: p.UpdateSlaPolicy, ok: { 200: p.SlaPolicy } },
  { method: 'delete', path: `${SITE}/sla-policies/:id`, id: 'deleteSlaPolicy', tag: 'SLA', summary: 'Delete one (admins)', auth: 'site', ok: { 204: null } },

  // ---------------------------------------------------------------- proactive messages
  { method: 'get', path: `${SITE}/triggers`, id: 'listTriggers', tag: 'Proactive messages', summary: 'Proactive messages (triggers) with their funnel', auth: 'site', ok: { 200: list(p.Trigger) } },
  { method: 'post', path: `${SITE}/triggers`, id: 'createTrigger', tag: 'Proactive messages', summary: 'Add one (admins)', auth: 'site', body: p.CreateTrigger, ok: { 201: p.Trigger } },
  { method: 'patch', path: `${SITE}/triggers/:id`, id: 'updateTrigger', tag: 'Proactive messages', summary: 'Change one (admins)', auth: 'site', body: p.UpdateTrigger, ok: { 200: p.Trigger } },
  { method: 'delete', path: `${SITE}/triggers/:id`, id: 'deleteTrigger', tag: 'Proactive messages', summary: 'Delete one (admins)', auth: 'site', ok: { 204: null } },
  {
    method: 'post',
    path: `${SITE}/triggers/:id/shown`,
    id: 'triggerShown',
    tag: 'Proactive messages',
    summary: 'Count one showing (the widget\'s anonymous beacon)',
    description: 'No body, cookie or token: adds one to the trigger\'s counter of the day. Unknown or disabled triggers are 404.',
    auth: 'public',
    ok: { 204: null },
    limited: true,
  },
  { method: 'get', path: `${SITE}/agents`, id: 'listAgents', tag: 'Agents', summary: "The site's agents", auth: 'site', ok: { 200: list(p.AgentSummary) } },
  { method: 'post', path: `${SITE}/agents`, id: 'createAgent', tag: 'Agents', summary: 'Add an agent', auth: 'site', body: p.CreateAgent, ok: { 201: p.AgentSummary } },
  { method: 'patch', path: `${SITE}/agents/:agentId`, id: 'updateAgent', tag: 'Agents', summary: 'Change an agent', auth: 'site', body: p.UpdateAgent, ok: { 200: p.AgentSummary } },
  { method: 'delete', path: `${SITE}/agents/:agentId`, id: 'removeAgent', tag: 'Agents', summary: 'Remove an agent from the site', auth: 'site', ok: { 204: null } },
  { method: 'get', path: `${SITE}/settings`, id: 'getSiteSettings', tag: 'Sites', summary: "The site's settings", auth: 'site', ok: { 200: p.SiteSettings } },
  { method: 'patch', path: `${SITE}/settings`, id: 'updateSiteSettings', tag: 'Sites', summary: 'Change settings', auth: 'site', body: p.UpdateSiteSettings, ok: { 200: p.SiteSettings } },
  { method: 'get', path: `${SITE}/identity-secret`, id: 'getIdentitySecret', tag: 'Sites', summary: 'The identity-verification secret', auth: 'site', ok: { 200: p.IdentitySecret } },
  { method: 'post', path: `${SITE}/identity-secret/rotate`, id: 'rotateIdentitySecret', tag: 'Sites', summary: 'A new identity secret', auth: 'site', body: p.RotateIdentitySecret, ok: { 200: p.IdentitySecret } },
  { method: 'post', path: `${SITE}/uploads`, id: 'agentUpload', tag: 'Uploads', summary: 'Upload a file to attach to a message', auth: 'site', body: 'multipart', ok: { 201: p.UploadedFile } },
  { method: 'get', path: `${SITE}/webhooks`, id: 'listWebhooks', tag: 'Webhooks', summary: "The site's webhooks", auth: 'site', ok: { 200: list(p.Webhook) } },
  { method: 'post', path: `${SITE}/webhooks`, id: 'createWebhook', tag: 'Webhooks', summary: 'Add a webhook', auth: 'site', body: p.CreateWebhook, ok: { 201: p.Webhook } },
  { method: 'patch', path: `${SITE}/webhooks/:id`, id: 'updateWebhook', tag: 'Webhooks', summary: 'Change a webhook', auth: 'site', body: p.UpdateWebhook, ok: { 200: p.Webhook } },
  { method: 'delete', path: `${SITE}/webhooks/:id`, id: 'deleteWebhook', tag: 'Webhooks', summary: 'Delete a webhook', auth: 'site', ok: { 204: null } },
  { method: 'get', path: `${SITE}/webhooks/:id/deliveries`, id: 'listDeliveries', tag: 'Webhooks', summary: 'The delivery log, newest first', auth: 'site', ok: { 200: list(p.WebhookDelivery) } },
  {
    method: 'post',
    path: `${SITE}/webhooks/:id/deliveries/:deliveryId/redeliver`,
    id: 'redeliverDelivery',
    tag: 'Webhooks',
    summary: 'Send a delivery again (same id, a full set of tries); a paused receiver is tried at once',
    auth: 'site',
    ok: { 202: p.WebhookDelivery },
  },
  { method: 'post', path: `${SITE}/webhooks/:id/test`, id: 'testWebhook', tag: 'Webhooks', summary: 'Queue a ping delivery', auth: 'site', ok: { 202: p.WebhookDelivery } },
  {
    method: 'post',
    path: `${SITE}/webhooks/:id/secret/rotate`,
    id: 'rotateWebhookSecret',
    tag: 'Webhooks',
    summary: 'A new signing secret; the previous one also signs deliveries for graceHours (default 24)',
    auth: 'site',
    body: p.RotateWebhookSecret,
    ok: { 200: p.Webhook },
  },
  { method: 'get', path: `${SITE}/analytics`, id: 'analytics', tag: 'Analytics', summary: 'A report over a range of days', auth: 'site', query: p.AnalyticsQuery, ok: { 200: p.AnalyticsReport } },
  { method: 'get', path: `${SITE}/analytics.csv`, id: 'analyticsCsv', tag: 'Analytics', summary: 'The report as CSV, one row per day', auth: 'site', query: p.AnalyticsQuery, ok: { 200: download(CSV) } },
  {
    method: 'get',
    path: `${SITE}/visitors/:visitorId/export`,
    id: 'exportVisitor',
    tag: 'Privacy',
    summary: 'Everything about a visitor, as one .zip',
    description:
      'Site admins (and API keys with conversations:read). The archive holds `visitor.json` (a VisitorExport: profile, pages seen, consents, every conversation with its rating and messages, edits and unsent ones as the history shows them) and every file at its `path`. Streamed; recorded in the audit log (`export.visitor`).',
    auth: 'site',
    ok: { 200: download('application/zip', { type: 'string', contentMediaType: 'application/zip' }, 'A .zip download; its visitor.json is a VisitorExport (see components).') },
  },
  {
    method: 'delete',
    path: `${SITE}/visitors/:visitorId`,
    id: 'eraseVisitor',
    tag: 'Privacy',
    summary: 'Erase a visitor and everything about them',
    description:
      'Site admins (and API keys with visitors:erase). One transaction: the visitor, their conversations, messages, earlier texts, files, webhook deliveries and events about them, their presence, their data in the audit log; analytics keep only anonymous figures. Recorded in the audit log by the visitor id (`visitor.erased`) and sent to webhooks subscribed to `visitor.erased`. Unknown or already erased: 404.',
    auth: 'site',
    ok: { 200: p.VisitorErased },
  },

  // ---------------------------------------------------------------- bans
  {
    method: 'get',
    path: `${SITE}/bans`,
    id: 'listBans',
    tag: 'Bans',
    summary: 'The bans in force, newest first',
    description: "Every ban of the site for an admin (or an API key); an agent's own for an agent. Expired bans are not listed.",
    auth: 'site',
    ok: { 200: list(p.Ban) },
  },
  {
    method: 'post',
    path: `${SITE}/bans`,
    id: 'createBan',
    tag: 'Bans',
    summary: 'Ban a visitor, an email address or an IP address or range',
    description:
      'Any agent of the site may ban. From then on (on every server process, live sockets included) the visitor is refused with 403 `forbidden` and a neutral message ("Chat is not available right now."): sessions, sockets and their commands, the visitor routes, and any form giving a banned email. 409 `conflict` when the same ban is already in force.',
    auth: 'site',
    body: p.CreateBan,
    ok: { 201: p.Ban },
  },
  { method: 'delete', path: `${SITE}/bans/:id`, id: 'liftBan', tag: 'Bans', summary: 'Lift a ban (admins any, agents their own)', auth: 'site', ok: { 204: null } },

  // ---------------------------------------------------------------- contacts
  { method: 'get', path: `${SITE}/contact-attributes`, id: 'listContactAttributes', tag: 'Contacts', summary: "The site's custom contact attributes", auth: 'site', ok: { 200: list(p.ContactAttribute) } },
  {
    method: 'post',
    path: `${SITE}/contact-attributes`,
    id: 'createContactAttribute',
    tag: 'Contacts',
    summary: 'Define a custom contact attribute (site admins)',
    description: 'A key (lowercase, the API and the inbox filter name it by), a label, a type (text, number, date, list with its options, boolean), and whether the visitor may set it (widget, SDK). 409 `conflict` when the key exists.',
    auth: 'site',
    body: p.CreateContactAttribute,
    ok: { 201: p.ContactAttribute },
  },
  {
    method: 'patch',
    path: `${SITE}/contact-attributes/:id`,
    id: 'updateContactAttribute',
    tag: 'Contacts',
    summary: "An attribute's label, a list's options, whether visitors may set it (site admins)",
    description: 'The key and type never change. Values no longer among a list\'s new options are removed.',
    auth: 'site',
    body: p.UpdateContactAttribute,
    ok: { 200: p.ContactAttribute },
  },
  { method: 'delete', path: `${SITE}/contact-attributes/:id`, id: 'deleteContactAttribute', tag: 'Contacts', summary: 'Delete an attribute and every value of it (site admins)', auth: 'site', ok: { 204: null } },
  { method: 'get', path: `${SITE}/visitors/:visitorId`, id: 'getContact', tag: 'Contacts', summary: 'A visitor as a contact: profile, attributes, notes', auth: 'site', ok: { 200: p.Contact } },
  {
    method: 'patch',
    path: `${SITE}/visitors/:visitorId`,
    id: 'updateContact',
    tag: 'Contacts',
    summary: "Edit a contact's profile and attribute values",
    description: 'Any agent of the site (API keys: contacts:write). Each attribute value is checked against its definition (by key; null removes it); one wrong value is 400 and nothing of the edit is kept.',
    auth: 'site',
    body: p.UpdateContact,
    ok: { 200: p.Contact },
  },
  { method: 'post', path: `${SITE}/visitors/:visitorId/notes`, id: 'addContactNote', tag: 'Contacts', summary: 'Add a note on the contact', auth: 'site', body: p.ContactNoteBody, ok: { 201: p.ContactNote } },
  { method: 'patch', path: `${SITE}/visitors/:visitorId/notes/:id`, id: 'editContactNote', tag: 'Contacts', summary: 'Edit a note (its author or an admin)', auth: 'site', body: p.ContactNoteBody, ok: { 200: p.ContactNote } },
  { method: 'delete', path: `${SITE}/visitors/:visitorId/notes/:id`, id: 'deleteContactNote', tag: 'Contacts', summary: 'Delete a note (its author or an admin)', auth: 'site', ok: { 204: null } },
  // ---------------------------------------------------------------- mentions
  {
    method: 'get',
    path: `${SITE}/mentions`,
    id: 'listMentions',
    tag: 'Mentions',
    summary: "The caller's mentions and whispers, unread first, then newest first",
    description:
      'An agent is mentioned when a private note names them (`@[Display Name]`, or `@` followed by their name); a supervisor whispers to the agent a conversation is assigned to by writing a private note in it. Only the agent named sees the row (an API key, being no agent, has none). `unread` counts all the unread ones.',
    auth: 'site',
    query: p.MentionsQuery,
    ok: { 200: p.MentionPage },
  },
  {
    method: 'post',
    path: `${SITE}/mentions/:id/read`,
    id: 'readMention',
    tag: 'Mentions',
    summary: 'Mark one of your mentions read (again: unchanged)',
    description: "Another agent's mention, or another site's, is 404 `not_found`. The agent's other sockets hear `mention:read`.",
    auth: 'site',
    ok: { 200: p.Mention },
  },
]

/** Path parameters that are not UUIDs. */
export const PATH_PARAMS: Record<string, z.ZodType> = {
  name: z.string().meta({ description: 'The file name the upload was stored with.' }),
}

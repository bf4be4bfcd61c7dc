// The services of one server process, wired together.
import { InvitationService } from './accounts/invitations.js'
import { PasswordService } from './accounts/passwords.js'
import { SessionService } from './accounts/sessions.js'
import { SetupService } from './accounts/setup.js'
import { TwoFactorService } from './accounts/two-factor.js'
import { MemberService } from './agency/members.js'
import { AgencyService } from './agency/service.js'
import { ApiKeyService } from './api-keys/service.js'
import { AgentService } from './agents/service.js'
import { AuditService } from './audit/service.js'
import { BanService } from './bans/service.js'
import { ContactService } from './contacts/service.js'
import { MentionService } from './mentions/service.js'
import { AnalyticsService, type AnalyticsOptions } from './analytics/service.js'
import { CannedResponseService } from './canned-responses/service.js'
import { TriggerService } from './triggers/service.js'
import { ConversationService } from './conversations/service.js'
import { EmailService } from './email/service.js'
import { HistoryService } from './history/service.js'
import type { MailOptions } from './email/mailer.js'
import { Routing } from './conversations/routing.js'
import { MessageService } from './messages/service.js'
import { PresenceService } from './presence/service.js'
import { PrivacyService } from './privacy/service.js'
import type { RetentionOptions } from './privacy/retention.js'
import { ViewerService } from './presence/viewers.js'
import type { Context } from './shared/context.js'
import type { Tokens } from './shared/auth.js'
import type { RateLimits } from './shared/rate-limit.js'
import { QueueService } from './queue/service.js'
import { SiteService } from './sites/service.js'
import { TeamService } from './teams/service.js'
import { SlaService } from './sla/service.js'
import { UploadService } from './uploads/service.js'
import { VisitorService } from './visitors/service.js'

export interface Services {
  tokens: Tokens
  /** Sign-in sessions: checked on every agent request and socket, ended at once. */
  sessions: SessionService
  /** The agencies' audit log. */
  audit: AuditService
  /** Agencies as a whole: who acts on one (agency routes) and its settings. */
  agency: AgencyService
  /** First-run setup: the workspace's owner, agency and first site. */
  setup: SetupService
  invitations: InvitationService
  /** Forgot, reset and change password. */
  passwords: PasswordService
  /** TOTP two-factor sign-in and recovery codes. */
  twoFactor: TwoFactorService
  /** The agencies' API keys: managing them, and acting with one. */
  apiKeys: ApiKeyService
  presence: PresenceService
  /** Who views which conversation right now (collision detection). */
  viewers: ViewerService
  routing: Routing
  sites: SiteService
  visitors: VisitorService
  /** Who may not chat on a site (a visitor, an email, a network), and the checks at every visitor's door. */
  bans: BanService
  /** Contacts: profile edits, notes, custom attributes (and their definitions). */
  contacts: ContactService
  /** Each agent's mentions and whispers (written with the notes, in messages/). */
  mentions: MentionService
  conversations: ConversationService
  messages: MessageService
  agents: AgentService
  /** The people of an agency: their agency roles, and removing them. */
  members: MemberService
  cannedResponses: CannedResponseService
  /** Proactive messages: their rules, the anonymous "shown" counter, their funnel. */
  triggers: TriggerService
  /** Teams (departments): who is in which; routing reads them. */
  teams: TeamService
  /** SLA policies (the clocks: sla/clocks.ts, and the job in analytics). */
  sla: SlaService
  uploads: UploadService
  emails: EmailService
  history: HistoryService
  /** Missed conversations, the daily aggregates and the admins' reports. */
  analytics: AnalyticsService
  /** A visitor's export and erasure; the sites' retention policies. */
  privacy: PrivacyService
  /** Abuse limits (shared/rate-limit.ts). */
  limits: RateLimits
  /** Waiting visitors' places in the queue and their estimated waits. */
  queue: QueueService
}

export function createServices(ctx: Context, mail: MailOptions = {}, analytics: AnalyticsOptions = {}, retention: RetentionOptions = {}): Services {
  const presence = new PresenceService(ctx.db, ctx.nodeId, ctx.log)
  const emails = new EmailService(ctx, presence, mail)
  const routing = new Routing(ctx, presence)
  const uploads = new UploadService(ctx)
  const audit = new AuditService(ctx)
  const sessions = new SessionService(ctx, audit)
  const queue = new QueueService(ctx)
  ctx.publish.queueMoved = (siteId) => queue.changed(siteId)
  ctx.publish.queueAnswered = (siteId, conversationId) => queue.answered(siteId, conversationId)
  const sites = new SiteService(ctx, uploads, audit, emails, queue)
  const bans = new BanService(ctx, audit)
  const triggers = new TriggerService(ctx)
  // Open widgets take changed triggers at once (config:changed).
  triggers.onChange = async (siteId) => ctx.publish.widgetConfig(await sites.widgetConfig(siteId))
  const teams = new TeamService(ctx, audit, routing)
  // A pre-chat "team" field lists the site's teams: open widgets take new names at once.
  teams.onChange = triggers.onChange
  const conversations = new ConversationService(ctx, presence, routing, uploads, emails)
  const agents = new AgentService(ctx, presence, routing, sessions, audit, conversations)
  const passwords = new PasswordService(ctx, sessions, emails, audit)
  const twoFactor = new TwoFactorService(ctx, agents, passwords, audit)
  agents.secondFactor = (user) => twoFactor.challengeFor(user)
  const apiKeys = new ApiKeyService(ctx, audit)
  const agency = new AgencyService(ctx, sessions, audit, apiKeys)
  const history = new HistoryService(ctx, audit)
  return {
    tokens: ctx.tokens,
    sessions,
    audit,
    agency,
    setup: new SetupService(ctx, agency, sites, agents, audit),
    invitations: new InvitationService(ctx, emails, agents, audit),
    passwords,
    twoFactor,
    apiKeys,
    presence,
    viewers: new ViewerService(ctx),
    routing,
    sites,
    visitors: new VisitorService(ctx, sites, presence, bans, audit),
    bans,
    contacts: new ContactService(ctx, presence, audit),
    mentions: new MentionService(ctx),
    conversations,
    messages: new MessageService(ctx, presence, routing, uploads, emails),
    agents,
    members: new MemberService(ctx, agents, sessions, audit),
    cannedResponses: new CannedResponseService(ctx),
    triggers,
    teams,
    sla: new SlaService(ctx, audit),
    uploads,
    emails,
    history,
    analytics: new AnalyticsService(ctx, presence, analytics),
    privacy: new PrivacyService(ctx, history, audit, retention),
    limits: ctx.limits,
    queue,
  }
}

/**
 * Accounts and tenants: first-run setup, agencies and their members, sites, invitations,
 * passwords, two-factor sign-in, sessions, API keys and the audit log. Input schemas (the server
 * parses every body and query with them) and the wire types they answer with.
 *
 * Roles: an agency has `owner`s and `admin`s, who manage every site of the agency (and see each
 * in the site switcher), and `member`s, who work only on the sites they belong to. On a site an
 * agent is `admin` (settings, team, canned responses) or `agent`; an agency owner or admin is an
 * `admin` of every site of the agency.
 */
import { z } from 'zod'
import { INVITATION_STATUSES } from './enums.js'
import { LIMITS } from './limits.js'
import { AgentRoleSchema, Origin } from './schemas.js'

const id = z.uuid({ message: 'must be a UUID' })
const Time = z.iso.datetime()
const trimmed = (max: number) => z.string().trim().min(1).max(max)

/** A password someone chooses: 10..1024 characters (NIST 800-63B: length, not composition rules). */
export const NewPassword = z.string().min(10, 'must be at least 10 characters').max(LIMITS.password)

/** A one-time secret from a link or an email (setup, invitation, password reset). */
export const LinkToken = z.string().min(16).max(256).regex(/^[A-Za-z0-9._~-]+$/, 'not a valid token')

/**
 * Where a site's widget may run, as typed by a person: an origin (`https://shop.example`,
 * `http://localhost:8080`) or a bare host (`shop.example`, taken as `https://shop.example`).
 */
export const Domain = z
  .string()
  .trim()
  .max(300)
  .transform((v) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`).replace(/\/+$/, ''))
  .pipe(Origin)

export const AgencyRoleSchema = z.enum(['owner', 'admin', 'member'])
export type AgencyRole = z.infer<typeof AgencyRoleSchema>

// ------------------------------------------------------------------ first-run setup

/** POST /api/setup/verify: is this setup token (from the server's log) still good? */
export const VerifySetupToken = z.object({ token: LinkToken })
export type VerifySetupToken = z.infer<typeof VerifySetupToken>

/** POST /api/setup: the workspace's owner, agency and first site, in one step. */
export const CompleteSetup = z.object({
  token: LinkToken,
  name: trimmed(LIMITS.name),
  email: z.email().max(LIMITS.email),
  password: NewPassword,
  agencyName: trimmed(200),
  siteName: trimmed(200),
  /** Where the widget will run; empty = any origin (can be set later). */
  domains: z.array(Domain).max(100).default([]),
})
export type CompleteSetup = z.input<typeof CompleteSetup>

/** GET /api/setup */
export const SetupState = z.object({
  /** True while the server has no account at all: the log shows a setup link. */
  needed: z.boolean(),
})
export type SetupState = z.infer<typeof SetupState>

// ------------------------------------------------------------------ sign-in, passwords, two-factor

/** POST /api/auth/login/two-factor: the second step, with a code from the app or a recovery code. */
export const TwoFactorLogin = z
  .object({
    challenge: z.string().min(1).max(4_096),
    code: z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the app shows').optional(),
    recoveryCode: z.string().trim().min(8).max(32).optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.recoveryCode === undefined), 'give either code or recoveryCode')
export type TwoFactorLogin = z.infer<typeof TwoFactorLogin>

/** POST /api/auth/login/two-factor/setup (setup_required at sign-in). */
export const TwoFactorChallenge = z.object({ challenge: z.string().min(1).max(4_096) })
export type TwoFactorChallenge = z.infer<typeof TwoFactorChallenge>

/** POST /api/auth/login/two-factor/enable: finishes enrolment at sign-in and signs in. */
export const TwoFactorEnrolAtLogin = z.object({
  challenge: z.string().min(1).max(4_096),
  code: z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the app shows'),
})
export type TwoFactorEnrolAtLogin = z.infer<typeof TwoFactorEnrolAtLogin>

/** What POST /api/auth/login answers instead of a session when a second step is needed. */
export const TwoFactorRequired = z.object({
  /** `required`: enter a code; `setup_required`: the agency requires two-factor and this account has none yet. */
  twoFactor: z.enum(['required', 'setup_required']),
  /** Proof that the password was right, for the second step only (10 minutes). */
  challenge: z.string(),
  expiresAt: Time,
})
export type TwoFactorRequired = z.infer<typeof TwoFactorRequired>

/** A new authenticator secret to enrol (shown once). */
export const TwoFactorSetup = z.object({
  /** Base32, for typing into an app by hand. */
  secret: z.string(),
  /** otpauth://totp/… */
  uri: z.string(),
  /** The URI as a QR code, an SVG document. */
  qrSvg: z.string(),
})
export type TwoFactorSetup = z.infer<typeof TwoFactorSetup>

/** POST /api/auth/two-factor/enable */
export const EnableTwoFactor = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the app shows') })
export type EnableTwoFactor = z.infer<typeof EnableTwoFactor>

/** POST /api/auth/two-factor/disable, POST /api/auth/two-factor/recovery-codes */
export const ConfirmPassword = z.object({ password: z.string().min(1).max(LIMITS.password) })
export type ConfirmPassword = z.infer<typeof ConfirmPassword>

/** Ten single-use codes, shown once (stored hashed). */
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) })
export type RecoveryCodes = z.infer<typeof RecoveryCodes>

/** POST /api/auth/password/forgot */
export const ForgotPassword = z.object({ email: z.email().max(LIMITS.email) })
export type ForgotPassword = z.infer<typeof ForgotPassword>

/** POST /api/auth/password/reset */
export const ResetPassword = z.object({ token: LinkToken, password: NewPassword })
export type ResetPassword = z.infer<typeof ResetPassword>

/** POST /api/auth/password (signed in): every other session of the user ends. */
export const ChangePassword = z.object({ currentPassword: z.string().min(1).max(LIMITS.password), newPassword: NewPassword })
export type ChangePassword = z.infer<typeof ChangePassword>

/** One signed-in device of the user (GET /api/auth/sessions). */
export const UserSession = z.object({
  id,
  /** "Chrome 156 on Linux", from the user agent at sign-in. */
  device: z.string(),
  ip: z.string().nullable(),
  createdAt: Time,
  lastSeenAt: Time,
  /** The session this request was made with. */
  current: z.boolean(),
})
export type UserSession = z.infer<typeof UserSession>

// ------------------------------------------------------------------ agencies and members

/** The caller's agency (GET /api/agency). */
export const Agency = z.object({
  id,
  name: z.string(),
  /** Members must sign in with a second factor (those without one enrol at their next sign-in). */
  requireTwoFactor: z.boolean(),
  createdAt: Time,
  /** The caller's role in it. */
  role: AgencyRoleSchema,
})
export type Agency = z.infer<typeof Agency>

export const UpdateAgency = z
  .object({ name: trimmed(200).optional(), requireTwoFactor: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, 'nothing to update')
export type UpdateAgency = z.infer<typeof UpdateAgency>

/** A person in the agency (GET /api/agency/members). */
export const Member = z.object({
  userId: id,
  email: z.string(),
  name: z.string(),
  role: AgencyRoleSchema,
  twoFactorEnabled: z.boolean(),
  createdAt: Time,
  /** When any of their sessions was last used; null if never signed in. */
  lastSeenAt: Time.nullable(),
  sites: z.array(z.object({ siteId: id, siteName: z.string(), agentId: id, role: AgentRoleSchema })),
})
export type Member = z.infer<typeof Member>

export const UpdateMember = z.object({ role: AgencyRoleSchema })
export type UpdateMember = z.infer<typeof UpdateMember>

// ------------------------------------------------------------------ sites

/** A site of the agency (GET /api/agency/sites). */
export const AgencySite = z.object({
  id,
  agencyId: id,
  name: z.string(),
  /** Origins allowed to embed the widget (empty = any). */
  domains: z.array(z.string()),
  createdAt: Time,
  /** Active members (agents and admins). */
  agents: z.number().int().min(0),
})
export type AgencySite = z.infer<typeof AgencySite>

export const CreateSite = z.object({
  name: trimmed(200),
  domains: z.array(Domain).max(100).default([]),
})
export type CreateSite = z.input<typeof CreateSite>

/** DELETE /api/agency/sites/:siteId: the site's exact name, typed to confirm. */
export const DeleteSite = z.object({ confirm: z.string().max(200) })
export type DeleteSite = z.infer<typeof DeleteSite>

/** The key the host's backend signs visitors' ids with (site admins only). */
export const IdentitySecret = z.object({
  secret: z.string(),
  /** When the current secret was made. */
  rotatedAt: Time,
  /** Until when the previous secret is still accepted (null: none is). */
  previousValidUntil: Time.nullable(),
})
export type IdentitySecret = z.infer<typeof IdentitySecret>

/** POST /api/sites/:siteId/identity-secret/rotate: how long the old secret stays valid (default 24 h; 0 = not at all). */
export const RotateIdentitySecret = z.object({ graceHours: z.number().int().min(0).max(720).default(24) })
export type RotateIdentitySecret = z.input<typeof RotateIdentitySecret>

/** POST /api/sites/:siteId/webhooks/:id/secret/rotate: how long deliveries are still signed with the old secret too (default 24 h; 0 = not at all). */
export const RotateWebhookSecret = RotateIdentitySecret
export type RotateWebhookSecret = z.input<typeof RotateWebhookSecret>

// ------------------------------------------------------------------ invitations

export const CreateInvitation = z.object({
  email: z.email().max(LIMITS.email),
  /** The agency role (owners are made by promotion, not invitation). */
  role: z.enum(['admin', 'member']).default('member'),
  /** Sites to join, each with its site role; an agency admin needs none (they see every site). */
  sites: z
    .array(z.object({ siteId: id, role: AgentRoleSchema.default('agent') }))
    .max(100)
    .default([]),
})
export type CreateInvitation = z.input<typeof CreateInvitation>

export const InvitationStatusSchema = z.enum(INVITATION_STATUSES)
export type InvitationStatus = z.infer<typeof InvitationStatusSchema>

export const Invitation = z.object({
  id,
  email: z.string(),
  role: z.enum(['admin', 'member']),
  sites: z.array(z.object({ siteId: id, siteName: z.string(), role: AgentRoleSchema })),
  status: InvitationStatusSchema,
  invitedBy: z.string().nullable(),
  createdAt: Time,
  expiresAt: Time,
})
export type Invitation = z.infer<typeof Invitation>

/**
 * POST /api/agency/invitations (and …/:id/resend). `emailed`: the link went out by email. Without
 * SMTP (or when sending failed), `link` is there for the admin to hand over; otherwise absent.
 * `added`: the email already had an account in this agency, so its memberships were granted at
 * once and no invitation was needed.
 */
export const InvitationSent = z.object({
  invitation: Invitation.nullable(),
  emailed: z.boolean(),
  link: z.string().optional(),
  added: z.boolean().optional(),
})
export type InvitationSent = z.infer<typeof InvitationSent>

export const ListInvitationsQuery = z.object({
  status: z.enum([...INVITATION_STATUSES, 'all']).default('pending'),
})
export type ListInvitationsQuery = z.input<typeof ListInvitationsQuery>

/** POST /api/invitations/lookup (public, with the token from the link). */
export const LookupInvitation = z.object({ token: LinkToken })
export type LookupInvitation = z.infer<typeof LookupInvitation>

/** What the accept screen shows. */
export const InvitationPreview = z.object({
  email: z.string(),
  agencyName: z.string(),
  invitedBy: z.string().nullable(),
  role: z.enum(['admin', 'member']),
  sites: z.array(z.object({ siteName: z.string(), role: AgentRoleSchema })),
  expiresAt: Time,
})
export type InvitationPreview = z.infer<typeof InvitationPreview>

/** POST /api/invitations/accept: sets name and password, answers a session (signed in). */
export const AcceptInvitation = z.object({ token: LinkToken, name: trimmed(LIMITS.name), password: NewPassword })
export type AcceptInvitation = z.infer<typeof AcceptInvitation>

// ------------------------------------------------------------------ API keys

/** What an API key may do; a key is refused everywhere else (403 forbidden). */
export const API_KEY_SCOPES = [
  'sites:read',
  'sites:write',
  'agents:read',
  'agents:write',
  'conversations:read',
  'conversations:write',
  'messages:write',
  'webhooks:read',
  'webhooks:write',
  'analytics:read',
  'audit:read',
  'visitors:erase',
] as const
export const ApiKeyScope = z.enum(API_KEY_SCOPES)
export type ApiKeyScope = z.infer<typeof ApiKeyScope>

export const CreateApiKey = z.object({
  name: trimmed(100),
  /** One site, or null for every site of the agency (and agency routes). */
  siteId: id.nullable().default(null),
  scopes: z.array(ApiKeyScope).min(1, 'give the key at least one scope').max(API_KEY_SCOPES.length),
  /** ISO date-time; none = until revoked. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
})
export type CreateApiKey = z.input<typeof CreateApiKey>

export const ApiKey = z.object({
  id,
  name: z.string(),
  /** The key's first characters (`lck_3f9a…`), to tell keys apart; the rest is never shown again. */
  prefix: z.string(),
  siteId: id.nullable(),
  scopes: z.array(ApiKeyScope),
  /** The name of the user who made it; null when the operator's CLI made it (or that user is gone). */
  createdBy: z.string().nullable(),
  createdAt: Time,
  lastUsedAt: Time.nullable(),
  expiresAt: Time.nullable(),
  revokedAt: Time.nullable(),
})
export type ApiKey = z.infer<typeof ApiKey>

/** POST /api/agency/api-keys: the key itself, shown this once. */
export const ApiKeyCreated = z.object({ key: ApiKey, secret: z.string() })
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>

// ------------------------------------------------------------------ audit log

export const AuditEvent = z.object({
  id,
  /** e.g. auth.login, auth.login_failed, invitation.created, member.role_changed, api_key.revoked, site.deleted */
  action: z.string(),
  actor: z.object({ type: z.enum(['user', 'api_key', 'operator', 'system']), id: z.string().nullable(), label: z.string() }),
  siteId: id.nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }).nullable(),
  /** What changed (never secrets). */
  data: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: Time,
})
export type AuditEvent = z.infer<typeof AuditEvent>

export const AuditQuery = z.object({
  /** An action, or a prefix ending in `.` (e.g. `auth.`). */
  action: z.string().trim().max(100).regex(/^[a-z_.]+$/, 'letters, "_" and "." only').optional(),
  actorId: id.optional(),
  siteId: id.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.listPage).default(50),
})
export type AuditQuery = z.input<typeof AuditQuery>

/** The audit actions, one place (the dashboard's filter lists them). */
export const AUDIT_ACTIONS = [
  'setup.completed',
  'agency.created',
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.session_revoked',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset',
  'auth.two_factor_enabled',
  'auth.two_factor_disabled',
  'auth.recovery_codes_regenerated',
  'agency.updated',
  'member.role_changed',
  'member.removed',
  'agent.added',
  'agent.updated',
  'agent.removed',
  'team.created',
  'team.updated',
  'team.deleted',
  'sla_policy.created',
  'sla_policy.updated',
  'sla_policy.deleted',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'site.created',
  'site.updated',
  'site.deleted',
  'site.identity_secret_viewed',
  'site.identity_secret_rotated',
  'api_key.created',
  'api_key.revoked',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'webhook.secret_rotated',
  'webhook.redelivered',
  'ban.created',
  'ban.lifted',
  'export.conversations',
  'export.audit',
  'export.visitor',
  'visitor.erased',
  'retention.applied',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

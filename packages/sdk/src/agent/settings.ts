import type { IdentitySecret, SiteSettings, UpdateSiteSettings } from '@live-chat/protocol'
import { AgentApi } from './context.js'

/**
 * A site's settings and identity secret (`agent.settings`; the site's admins). Each method takes
 * the site's id last and defaults to the current site, so an agency admin can manage any site
 * of the agency without switching to it.
 */
export class SettingsApi extends AgentApi {
  /** The site's settings. */
  async get(siteId?: string): Promise<SiteSettings> {
    return this.ctx.http<SiteSettings>('GET', this.ctx.site('/settings', siteId))
  }

  /** Changes the site's settings (name, allowed origins, widget, business hours, ...). */
  async update(changes: UpdateSiteSettings, siteId?: string): Promise<SiteSettings> {
    return this.ctx.http<SiteSettings>('PATCH', this.ctx.site('/settings', siteId), { body: changes })
  }

  /**
   * The key the host's backend signs visitors' ids with. Each read is recorded in the audit log,
   * so read it when it is to be shown, not ahead of time.
   */
  async identitySecret(siteId?: string): Promise<IdentitySecret> {
    return this.ctx.http<IdentitySecret>('GET', this.ctx.site('/identity-secret', siteId))
  }

  /**
   * Makes a new identity secret. The old one is still accepted for `graceHours` (default 24, at
   * most 720; 0 = stops at once), time to deploy the new one on the host's servers.
   */
  async rotateIdentitySecret(graceHours = 24, siteId?: string): Promise<IdentitySecret> {
    return this.ctx.http<IdentitySecret>('POST', this.ctx.site('/identity-secret/rotate', siteId), { body: { graceHours } })
  }
}

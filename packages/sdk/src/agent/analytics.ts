import type { AnalyticsQuery, AnalyticsReport } from '@live-chat/protocol'
import { AgentApi, download, type DownloadOptions } from './context.js'

/** The current site's analytics (`agent.analytics`; admins only). */
export class AnalyticsApi extends AgentApi {
  /**
   * The site's analytics over local days `from`..`to` (YYYY-MM-DD, inclusive, in the site's time
   * zone; `to` at most 366 days after `from`): conversations, messages, first response and
   * resolution times (mean, median, p90), CSAT, missed and offline conversations, busiest hours
   * and per-agent figures. The server brings its daily aggregates up to date first; `updatedAt`
   * says when they were last complete.
   * @throws LiveChatError `invalid_payload` for a bad range, `forbidden` for an agent who is not an admin.
   */
  async report(query: AnalyticsQuery): Promise<AnalyticsReport> {
    return this.ctx.http<AnalyticsReport>('GET', this.ctx.site('/analytics'), { query: { from: query.from, to: query.to } })
  }

  /**
   * The same report as a CSV file (text/csv): one row per day, then a `total` row; columns date,
   * conversations, messages, resolved, missed, offline, first_response_count,
   * first_response_mean_s, first_response_median_s, first_response_p90_s, csat_count, csat_mean.
   */
  async csv(query: AnalyticsQuery, options: DownloadOptions = {}): Promise<Blob> {
    return download(this.ctx, this.ctx.site('/analytics.csv'), { from: query.from, to: query.to }, options)
  }
}

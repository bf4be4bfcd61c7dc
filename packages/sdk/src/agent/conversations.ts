import type { ConversationSummary, ListConversationsFilter, Page, Priority, TranscriptFormat } from '@live-chat/protocol'
import { seg } from '../http.js'
import { AgentApi, download, type DownloadOptions } from './context.js'

/** Changes for {@link ConversationsApi.update}; give at least one. */
export interface ConversationChanges {
  priority?: Priority
  tags?: string[]
  subject?: string
}

/** Filters for {@link ConversationsApi.export}: the list's, without paging. */
export type ExportConversationsFilter = Omit<ListConversationsFilter, 'cursor' | 'limit'>

/**
 * The current site's conversations (`agent.conversations`): lists and downloads over REST; the
 * actions (assign, resolve, reopen, update) over the socket, so they need `connect()` first.
 * Their messages are the client's own business: `agent.messages()`, `agent.sync()`, `agent.send()`.
 */
export class ConversationsApi extends AgentApi {
  /** One page of the site's conversations; pass `nextCursor` back as `cursor` for the next. */
  async list(filter: ListConversationsFilter = {}): Promise<Page<ConversationSummary>> {
    return this.ctx.http<Page<ConversationSummary>>('GET', this.ctx.site('/conversations'), { query: { ...filter } })
  }

  /** One conversation. */
  async get(conversationId: string): Promise<ConversationSummary> {
    return this.ctx.http<ConversationSummary>('GET', this.ctx.site(`/conversations/${seg(conversationId)}`))
  }

  /**
   * One conversation's transcript as a file: every message in order, private notes included
   * and marked, system lines, and attachments by name and URL.
   * - `json` (default): a `Transcript` document (application/json);
   * - `csv`: one row per message (text/csv, UTF-8 with a BOM; cells that a spreadsheet would run
   *   as a formula start with `'`);
   * - `txt`: plain text for people, times in the site's time zone.
   * Any agent of the site may download it; another site's conversation is `not_found`.
   *
   * ```ts
   * const blob = await agent.conversations.transcript(id, 'csv')
   * const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `conversation-${id}.csv` })
   * a.click()
   * ```
   */
  async transcript(conversationId: string, format: TranscriptFormat = 'json', options: DownloadOptions = {}): Promise<Blob> {
    return download(this.ctx, this.ctx.site(`/conversations/${seg(conversationId)}/transcript`), { format }, options)
  }

  /**
   * Every message of the conversations that match `filter` (the same filters as {@link list},
   * without paging) as one CSV file (text/csv, UTF-8 with a BOM), one row per message:
   * conversation_id, started_at, status, visitor_name, visitor_email, assigned_agent, tags,
   * rating, seq, sent_at, sender_type, sender_name, private, text, attachments. The server
   * streams it, so it may be large: pass `signal` to stop it.
   */
  async export(filter: ExportConversationsFilter = {}, options: DownloadOptions = {}): Promise<Blob> {
    return download(this.ctx, this.ctx.site('/exports/conversations.csv'), { ...filter }, options)
  }

  /** Assigns (or transfers) a conversation to an agent; `null` puts it back in the queue. */
  async assign(conversationId: string, agentId: string | null): Promise<ConversationSummary> {
    return this.ctx.command('conversation:assign', { conversationId, agentId })
  }

  /**
   * Transfers a conversation: to a team (`{ teamId }`: it leaves its agent and goes to the team's
   * agents, or waits in the team's queue), to an agent, or both (`{ agentId, teamId }`).
   */
  async transfer(conversationId: string, to: { agentId?: string | null; teamId?: string | null }): Promise<ConversationSummary> {
    return this.ctx.command('conversation:assign', { conversationId, ...to })
  }

  /** Marks a conversation resolved. */
  async resolve(conversationId: string): Promise<ConversationSummary> {
    return this.ctx.command('conversation:resolve', { conversationId })
  }

  /** Reopens a resolved or closed conversation. */
  async reopen(conversationId: string): Promise<ConversationSummary> {
    return this.ctx.command('conversation:reopen', { conversationId })
  }

  /** Changes a conversation's priority, tags and/or subject. */
  async update(conversationId: string, changes: ConversationChanges): Promise<ConversationSummary> {
    return this.ctx.command('conversation:update', { conversationId, ...changes })
  }
}

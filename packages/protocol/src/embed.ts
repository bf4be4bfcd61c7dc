/**
 * The embed snippet, apart from the schemas: `@live-chat/protocol/embed` pulls no zod into a
 * browser bundle (zod probes `new Function`, which the dashboard's Content-Security-Policy forbids).
 */

/** The HTML that puts the widget of `siteId` on a page, loaded from the chat server at `server` (what site owners paste). */
export function embedSnippet(server: string, siteId: string): string {
  return `<script src="${server.replace(/\/$/, '')}/live-chat.js" async></script>\n<live-chat site-id="${siteId}"></live-chat>`
}

/** @jsxImportSource preact */
// <live-chat> and <live-chat-dashboard> in Preact JSX.
import type {} from '@live-chat/widget/jsx-preact'
import type {} from '@live-chat/dashboard/jsx-preact'

export function Support({ siteId }: { siteId: string }) {
  return (
    <main>
      <live-chat site-id={siteId} server="https://chat.example.com" onlc-message={(e) => console.log(e.detail.text)} />
      <live-chat-dashboard server="https://chat.example.com" persist onlcd-unread-change={(e) => e.detail.count} />
      {/* @ts-expect-error site-id is a string */}
      <live-chat site-id={42} />
    </main>
  )
}

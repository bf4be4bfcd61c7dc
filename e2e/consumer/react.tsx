// <live-chat> and <live-chat-dashboard> in React 19 JSX.
import type {} from '@live-chat/widget/jsx-react'
import type {} from '@live-chat/dashboard/jsx-react'
import type { LiveChat } from '@live-chat/widget'

export function Support({ siteId, token }: { siteId: string; token: string }) {
  return (
    <main>
      <live-chat
        site-id={siteId}
        server="https://chat.example.com"
        locale="fr"
        ref={(el: LiveChat | null) => el?.open()}
        onlc-message={(e) => console.log(e.detail.text)}
        onlc-unread-change={(e) => console.log(e.detail.count.toFixed())}
      />
      <live-chat-dashboard server="https://chat.example.com" site-id={siteId} token={token} persist onlcd-logout={() => undefined} onlcd-unread-change={(e) => e.detail.count} />
      {/* @ts-expect-error site-id is a string */}
      <live-chat site-id={42} />
      {/* @ts-expect-error lc-unread-change carries a count, not a text */}
      <live-chat onlc-unread-change={(e) => e.detail.text} />
      {/* @ts-expect-error persist is a boolean */}
      <live-chat-dashboard persist="yes" />
    </main>
  )
}

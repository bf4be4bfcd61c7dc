/** @jsxImportSource solid-js */
// <live-chat> and <live-chat-dashboard> in Solid JSX.
import type {} from '@live-chat/widget/jsx-solid'
import type {} from '@live-chat/dashboard/jsx-solid'

export function Support(props: { siteId: string }) {
  return (
    <main>
      <live-chat site-id={props.siteId} server="https://chat.example.com" on:lc-message={(e) => console.log(e.detail.text)} />
      <live-chat-dashboard server="https://chat.example.com" persist on:lcd-unread-change={(e) => e.detail.count} />
      {/* @ts-expect-error site-id is a string */}
      <live-chat site-id={42} />
    </main>
  )
}

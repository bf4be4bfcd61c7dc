// <live-chat> and <live-chat-dashboard> in Svelte 5 markup: what svelte-check checks it against.
import type { SvelteHTMLElements } from 'svelte/elements'
import type {} from '@live-chat/widget/jsx-svelte'
import type {} from '@live-chat/dashboard/jsx-svelte'

export const chat: SvelteHTMLElements['live-chat'] = {
  'site-id': 'abc',
  server: 'https://chat.example.com',
  'onlc-message': (e) => console.log(e.detail.text),
  'on:lc-open': () => undefined,
}
export const dash: SvelteHTMLElements['live-chat-dashboard'] = { persist: true, 'onlcd-unread-change': (e) => console.log(e.detail.count) }
// @ts-expect-error site-id is a string
export const bad: SvelteHTMLElements['live-chat'] = { 'site-id': 42 }

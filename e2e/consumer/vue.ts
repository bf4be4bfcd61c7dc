// <live-chat> and <live-chat-dashboard> in Vue templates: what vue-tsc checks a template against.
import type { GlobalComponents } from 'vue'
import type {} from '@live-chat/widget/jsx-vue'
import type {} from '@live-chat/dashboard/jsx-vue'

type Instance<K extends 'live-chat' | 'live-chat-dashboard'> = InstanceType<GlobalComponents[K]>

export const chat: Instance<'live-chat'>['$props'] = { 'site-id': 'abc', server: 'https://chat.example.com', class: 'support' }
export const dash: Instance<'live-chat-dashboard'>['$props'] = { token: 't', persist: true }
// @ts-expect-error site-id is a string
export const bad: Instance<'live-chat'>['$props'] = { 'site-id': 42 }

export function listen(el: Instance<'live-chat'>) {
  el.$emit('lc-unread-change', new CustomEvent('lc-unread-change', { detail: { count: 1 } }))
  // @ts-expect-error the event is a CustomEvent, not a number
  el.$emit('lc-unread-change', 1)
  el.open()
}

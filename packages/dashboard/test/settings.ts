// <lcd-settings> as the dashboard mounts it, for the browser tests of its sections.
import type { AgentClient } from '@live-chat/sdk'
import type { LcdSettings } from '../src/settings/settings.js'
import '../src/settings/settings.js'
import { agentClient, assert, mount, type TestSite } from '../../../test/browser/helpers.js'

/** The settings page as agent `i` of the site (the first is its admin) sees it. */
export async function mountSettings(site: TestSite, i = 0): Promise<{ el: LcdSettings; client: AgentClient }> {
  const client = await agentClient(site, i)
  const agents = await client.agents.list()
  const el = document.createElement('lcd-settings')
  el.client = client
  el.me = agents.find((a) => a.id === site.agents[i]!.agentId)!
  el.agents = agents
  el.server = site.url
  mount(el)
  await el.updateComplete
  return { el, client }
}

/** Opens the section whose tab reads `label`; returns the section's element (`tag`). */
export async function openSettingsTab<K extends keyof HTMLElementTagNameMap>(el: LcdSettings, label: string, tag: K): Promise<HTMLElementTagNameMap[K]> {
  const tab = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => (t.textContent ?? '').replace(/\s+/g, ' ').trim() === label)
  assert(tab, `a ${label} tab`)
  tab.click()
  await el.updateComplete
  return el.shadowRoot!.querySelector(tag)!
}

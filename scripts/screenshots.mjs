#!/usr/bin/env node
// `npm run screenshots`: renders the widget on the hostile example page (examples/hostile.html),
// then the agent dashboard (inbox, a conversation with the visitor panel, canned responses,
// analytics, settings) with a few visitors chatting, then the agency's administration (sites,
// team, API keys, audit log) and the account screens (first-run setup, an invitation, a password
// reset, the sign-in's second step, Your account) at desktop and phone widths, in headless
// Chromium, and saves PNGs under docs/screenshots/ for the README.
// Uses the built server and widget (`npm run build` first; the npm script does it), an embedded
// database in a temporary folder, the demo site, and the demo agent answering through the SDK.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { AgentClient, LiveChatClient } from '@live-chat/sdk'
import { createApp, createLogger, openDatabase, seedDemo } from '@live-chat/server'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'docs/screenshots')
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** `node scripts/screenshots.mjs admin` (or `account`, `widget`, `teams`, `sla`, `privacy`, `bans`, `mentions`, `contacts`) makes only those shots. */
const only = process.argv[2]
/** Whether this run makes the shots of `part`. */
const wants = (part) => !only || only === part
const SECRET = 'screenshots-secret-screenshots-secret-0123'

/** The administration's and account screens' sizes: a laptop and a phone (whole pages). */
const SIZES = [
  { suffix: '', viewport: { width: 1280, height: 800 } },
  { suffix: '-mobile', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
]

const shots = [
  { name: 'widget-desktop', viewport: { width: 1280, height: 800 } },
  { name: 'widget-mobile', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'widget-desktop-custom-colour', viewport: { width: 1280, height: 800 }, colour: '#e11d48' },
  { name: 'widget-mobile-custom-colour', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colour: '#e11d48' },
  // Right to left: the window mirrored (the launcher keeps its corner, hidden here: full screen).
  {
    name: 'widget-rtl',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'ar',
    // The demo site's title in Arabic (a site's own texts are its to translate).
    translations: { ar: { title: 'تحدّث معنا' } },
    says: 'مرحبًا! هل تشحنون إلى كندا؟',
    reply: 'أهلًا! نعم، نشحن إلى كندا خلال 3 إلى 5 أيام عمل. هل تريد عرض سعر؟',
  },
]
const REPLY = 'Hi Sam! Yes, we ship to Canada in 3–5 working days. Would you like a quote?'
let reply = REPLY

/** Visitors on the demo site, each in their own browser (by user agent) and on their own page. */
const people = [
  { name: 'Maria Lopez', email: 'maria@example.org', page: ['/pricing', 'Pricing'], says: 'Hi! Is the annual plan billed upfront?', ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15' },
  { name: 'Sam Carter', email: 'sam@example.com', page: ['/product/42', 'Trail shoes'], says: 'Do you ship to Canada?', ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' },
  { name: 'Yuki Tanaka', email: null, page: ['/checkout', 'Checkout'], says: 'My card was declined twice, can you help?', ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' },
  { name: null, email: null, page: ['/blog/sizing-guide', 'Sizing guide'], says: 'Are the sizes true to fit?', ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
]

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-chat-shots-'))
const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') })
const app = await createApp({
  db,
  secret: SECRET,
  logger: createLogger('warn'),
  staticDirs: { '/examples': path.join(root, 'examples') },
  widgetDir: path.join(root, 'packages/widget/cdn'),
  dashboardDir: path.join(root, 'packages/dashboard/public'),
})
const demo = await seedDemo(db, app.services, dataDir)
const { port } = await app.listen(0, '127.0.0.1')
const url = `http://127.0.0.1:${port}`

const agent = new AgentClient({ url })
await agent.login(demo.email, demo.password)
await agent.connect(demo.siteId)
await agent.setStatus('online')
const { primaryColor: original, customTranslations } = (await agent.settings.get()).widget
const stopReplying = agent.on('conversation:created', (c) => {
  const text = reply
  if (text) setTimeout(() => agent.send(c.id, text), 300)
})

const browser = await chromium.launch({ executablePath: CHROME, args: ARGS })
fs.mkdirSync(out, { recursive: true })
try {
  for (const shot of wants('widget') ? shots : []) {
    await agent.settings.update({ widget: { primaryColor: shot.colour ?? original, customTranslations: { ...customTranslations, ...shot.translations } } })
    reply = shot.reply ?? REPLY
    const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: 1, isMobile: !!shot.isMobile, hasTouch: !!shot.hasTouch })
    const page = await context.newPage()
    await page.goto(`${url}/examples/hostile.html`)
    if (shot.locale) await page.locator('live-chat').evaluate((el, locale) => el.setAttribute('locale', locale), shot.locale)
    // Playwright's CSS selectors pierce open shadow roots (the loader's shell, then the widget).
    const launcher = page.locator('live-chat-app [part~="launcher"]')
    await page.locator('live-chat [part~="launcher"]').first().hover().catch(() => {})
    await launcher.waitFor()
    await launcher.click()
    const input = page.locator('live-chat-app [part~="input"]')
    await input.fill(shot.says ?? 'Hello! Do you ship to Canada?')
    await input.press('Enter')
    await page.locator('live-chat-app .msg:not(.own) .bubble').waitFor()
    await page.waitForTimeout(400)
    const file = path.join(out, `${shot.name}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
  }
  await agent.settings.update({ widget: { primaryColor: original, customTranslations } })
  if (wants('widget')) await pieceShots(browser)
  // The widget's chats are done: the inbox shots show a fresh set of visitors.
  stopReplying()
  for (const c of (await agent.conversations.list({ status: ['pending', 'active'] })).items) await agent.conversations.resolve(c.id)
  if (wants('teams')) await teamsShots(browser)
  if (wants('sla')) await slaShots(browser)
  if (!only) await dashboardShots(browser)
  if (wants('privacy')) await privacyShots(browser)
  if (wants('bans')) await banShots(browser)
  if (wants('contacts')) await contactShots(browser)
  if (wants('mentions')) await mentionShots(browser)
  if (wants('admin')) await adminShots(browser)
  if (wants('account')) await accountShots(browser)
} finally {
  await agent.settings.update({ widget: { primaryColor: original } }).catch(() => {})
  agent.disconnect()
  await browser.close()
  await app.close()
  await db.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

/**
 * The visitor's side of issue 17's pieces, at phone and desktop widths: a rich reply (quick
 * replies and a choice the visitor answered), a waiting visitor's place in the queue, the team
 * online in the header and the emoji picker.
 */
async function pieceShots(browser) {
  const { agentId } = (await agent.me()).sites.find((x) => x.siteId === demo.siteId)
  const me = (await agent.agents.list()).find((a) => a.id === agentId)
  const open = async (name, viewport, mobile) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: mobile, hasTouch: mobile })
    const page = await context.newPage()
    await page.goto(`${url}/examples/index.html`)
    await page.locator('live-chat [part~="launcher"]').first().hover().catch(() => {})
    const launcher = page.locator('live-chat-app [part~="launcher"]')
    await launcher.waitFor()
    await launcher.click()
    return { context, page, input: page.locator('live-chat-app [part~="input"]'), file: path.join(out, `${name}.png`) }
  }
  const sizes = [
    ['', { width: 1280, height: 800 }, false],
    ['-mobile', { width: 390, height: 844 }, true],
  ]
  // A proactive message beside the closed launcher (from the signed-in agent, on any page).
  const trigger = await agent.triggers.create({ name: 'Welcome (screenshot)', text: 'Looking for trail shoes? Tell me your next race and I will suggest a pair.', agentId, cap: 'page', rules: { url: '/examples/*' } })
  for (const [suffix, viewport, mobile] of sizes) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile: mobile, hasTouch: mobile })
    const page = await context.newPage()
    await page.goto(`${url}/examples/index.html`)
    await page.locator('live-chat-app [part~="trigger"]').waitFor()
    await page.waitForTimeout(400)
    const file = path.join(out, `widget-trigger${suffix}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
  }
  // Settings → Proactive messages, with that one and its funnel (shown twice above).
  {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 })
    const page = await context.newPage()
    await signIn(page)
    await page.goto(`${url}/dashboard/#settings`)
    await page.getByRole('tab', { name: 'Proactive messages' }).click()
    await page.getByRole('rowheader', { name: 'Welcome (screenshot)' }).waitFor()
    await page.waitForTimeout(400)
    await pageShot(page, 'dashboard-settings-triggers')
    await context.close()
  }
  await agent.triggers.delete(trigger.id)
  reply = null
  for (const [suffix, viewport, mobile] of sizes) {
    const { context, page, input, file } = await open(`widget-rich${suffix}`, viewport, mobile)
    const conv = await startChat(input, 'Hi! I need new trail shoes for a race.')
    await agent.send(conv.id, 'Happy to help! Which distance are you training for?', {
      content: { kind: 'choice', options: [{ id: '10k', label: '10 km' }, { id: 'half', label: 'Half marathon' }, { id: 'ultra', label: 'Ultra' }] },
    })
    await page.locator('live-chat-app button', { hasText: 'Half marathon' }).click()
    await page.locator('live-chat-app .msg.own .bubble', { hasText: 'Half marathon' }).waitFor()
    await agent.send(conv.id, 'Good choice. These two suit a half marathon on mixed trails:', {
      content: { kind: 'buttons', buttons: [{ type: 'link', label: 'Trail Racer 3', url: 'https://shop.example.com/trail-racer-3' }, { type: 'reply', label: 'Show me more' }] },
    })
    await page.locator('live-chat-app a', { hasText: 'Trail Racer 3' }).waitFor()
    await page.waitForTimeout(400)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
    await agent.conversations.resolve(conv.id)
  }
  // A full team: one slot, taken by another visitor; the next one waits in line.
  const capacity = me.maxConcurrentChats
  await agent.agents.update(me.id, { maxConcurrentChats: 1 })
  const other = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
  await other.connect()
  const busy = await other.startConversation({ message: 'Is the store open on Sunday?' })
  for (const [suffix, viewport, mobile] of sizes) {
    const { context, page, input, file } = await open(`widget-queue${suffix}`, viewport, mobile)
    await input.fill('Hello, can someone check my order 4411?')
    await input.press('Enter')
    await page.locator('live-chat-app .status', { hasText: /in line/ }).waitFor()
    await page.waitForTimeout(400)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
  }
  await agent.conversations.resolve(busy.conversation.id)
  for (const c of (await agent.conversations.list({ status: ['pending', 'active'] })).items) await agent.conversations.resolve(c.id)
  other.disconnect()
  await agent.agents.update(me.id, { maxConcurrentChats: capacity })
  await editShots(open, sizes)
  await collisionShots()
  reply = REPLY
  await teamShots(open, sizes)
}

/**
 * Edit and unsend: the visitor fixed a typo through their message's menu ("edited"), the agent
 * took back a wrong answer ("Message removed"); then that conversation in the dashboard, with the
 * visitor's earlier text shown and the agent's Edit and Unsend on their reply.
 */
async function editShots(open, sizes) {
  let shown = null
  for (const [suffix, viewport, mobile] of sizes) {
    const { context, page, input, file } = await open(`widget-edit${suffix}`, viewport, mobile)
    const conv = await startChat(input, 'Do you ship to Canda?')
    const wrong = await agent.send(conv.id, 'Yes, and shipping to Canada is always free.')
    await agent.unsendMessage(conv.id, wrong.id)
    await agent.send(conv.id, 'Yes, we ship to Canada in 3–5 working days, free over $50.')
    await page.locator('live-chat-app .msg:not(.own) .bubble', { hasText: 'working days' }).waitFor()
    await page.locator('live-chat-app .msg.own', { hasText: 'Canda' }).locator('button[aria-label="Message options"]').click()
    await page.locator('live-chat-app [role="menu"] button', { hasText: 'Edit' }).click()
    const box = page.locator('live-chat-app .ed textarea')
    await box.fill('Do you ship to Canada?')
    await box.press('Enter')
    await page.locator('live-chat-app .msg.own .meta', { hasText: 'edited' }).waitFor()
    await page.locator('live-chat-app .msg .bubble i', { hasText: 'Message removed' }).waitFor()
    await page.waitForTimeout(400)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await context.close()
    if (shown) await agent.conversations.resolve(conv.id)
    else shown = conv
  }
  // The agent's side of the first one.
  await atEachSize(browser, async (page, size) => {
    await signIn(page)
    await page.goto(`${url}/dashboard/#inbox/${shown.id}`)
    await page.getByRole('button', { name: 'Edit this message' }).waitFor()
    await page.getByRole('button', { name: 'edited' }).click()
    await page.getByText('Do you ship to Canda?').waitFor()
    // With a mouse, the agent's Edit and Unsend show on the message pointed at.
    if (!size.hasTouch) await page.locator('lcd-conversation-view .msg.out', { hasText: 'free over' }).hover()
    await pageShot(page, `dashboard-edit${size.suffix}`)
  })
  await agent.conversations.resolve(shown.id)
}

/**
 * Two agents in one conversation: a colleague (Dana) views it and is writing, and the demo agent's own
 * reply, begun before the colleague's went out, waits for a decision ("Send anyway").
 */
async function collisionShots() {
  const password = crypto.randomBytes(12).toString('hex')
  const summary = await agent.agents.create({ email: 'dana.reyes@demo.example', name: 'Dana Reyes', password })
  const dana = new AgentClient({ url })
  await dana.login('dana.reyes@demo.example', password)
  await dana.connect(demo.siteId)
  await dana.setStatus('online')
  const visitors = []
  try {
    await atEachSize(browser, async (page, size) => {
      const visitor = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
      visitors.push(visitor)
      const { conversation } = await visitor.startConversation({ fields: { name: 'Priya Shah' }, message: 'Can I change the delivery address on order 1182?' })
      await signIn(page)
      await page.goto(`${url}/dashboard/#inbox/${conversation.id}`)
      await page.locator('lcd-conversation-view [role="log"]').getByText('delivery address on order 1182').waitFor()
      await dana.viewConversation(conversation.id)
      await page.getByText('Dana Reyes is viewing this conversation').waitFor()
      const box = page.getByRole('combobox', { name: 'Reply' }).or(page.getByRole('textbox', { name: 'Reply' }))
      await box.fill('Yes, reply with the new address and I will update the order.')
      await box.dispatchEvent('input')
      await dana.send(conversation.id, 'Sure! What is the new address?')
      await page.locator('lcd-conversation-view [role="log"]').getByText('What is the new address?').waitFor()
      await page.getByRole('button', { name: 'Send', exact: true }).click()
      await page.getByRole('button', { name: 'Send anyway' }).waitFor()
      await dana.setTyping(conversation.id, true)
      await page.getByText('Dana Reyes is also writing a reply').waitFor()
      await pageShot(page, `dashboard-collision${size.suffix}`)
      await dana.setTyping(conversation.id, false)
      await agent.conversations.resolve(conversation.id)
    })
  } finally {
    for (const v of visitors) v.disconnect()
    dana.disconnect()
    await agent.agents.remove(summary.id)
  }
}

/**
 * Bans: "Ban visitor…" on a spammer's conversation (the confirmation, their email chosen, a reason
 * and a week), then Settings → Bans with that ban and an IP range.
 */
async function banShots(browser) {
  const visitor = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
  const { conversation } = await visitor.startConversation({ fields: { name: 'Max Vance', email: 'deals@cheap-watches.example' }, message: 'BEST replica watches, 90% off!!! Visit cheap-watches.example today' })
  try {
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#inbox/${conversation.id}`)
      // On a phone the visitor panel opens in the conversation's place.
      if (size.isMobile) await page.getByRole('button', { name: 'Visitor details ›' }).click()
      const dialog = page.locator('lcd-ban-visitor')
      await dialog.getByRole('button', { name: 'Ban visitor…' }).click()
      await page.getByRole('dialog', { name: 'Ban Max Vance?' }).waitFor()
      await dialog.getByRole('radio', { name: /Their email/ }).check()
      await dialog.getByRole('textbox', { name: 'Reason (for the team)' }).fill('Spam links')
      await dialog.getByRole('combobox', { name: 'For' }).selectOption('week')
      await pageShot(page, `dashboard-ban${size.suffix}`)
      await dialog.getByRole('button', { name: 'Cancel' }).click()
    })
    await agent.bans.create({ kind: 'email', email: 'deals@cheap-watches.example', reason: 'Spam links', expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })
    await agent.bans.create({ kind: 'ip', network: '203.0.113.0/24', reason: 'A botnet posting spam' })
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#settings`)
      await page.getByRole('tab', { name: 'Bans' }).click()
      await page.getByRole('rowheader', { name: /^IP 203\.0\.113\.0\/24/ }).waitFor()
      await pageShot(page, `dashboard-settings-bans${size.suffix}`)
    })
  } finally {
    for (const b of await agent.bans.list()) await agent.bans.lift(b.id)
    await agent.conversations.resolve(conversation.id)
    visitor.disconnect()
  }
}

/**
 * Mentions and the supervisor: the demo agent's Mentions (a teammate's @mention and a supervisor's
 * whisper, one read) with the toast of a new one; Settings → Agents with the roles; and the
 * supervisor's own view of a colleague's conversation (a whisper sent, Take over).
 */
async function mentionShots(browser) {
  const password = crypto.randomBytes(12).toString('hex')
  const tom = await agent.agents.create({ email: 'tom.becker@demo.example', name: 'Tom Becker', password })
  const priya = await agent.agents.create({ email: 'priya.shah@demo.example', name: 'Priya Shah', password, role: 'supervisor' })
  const as = async (email) => {
    const c = new AgentClient({ url })
    await c.login(email, password)
    await c.connect(demo.siteId)
    return c
  }
  const [tomC, priyaC] = [await as('tom.becker@demo.example'), await as('priya.shah@demo.example')]
  const me = (await agent.agents.list()).find((a) => a.email === demo.email)
  const visitors = []
  const start = async (name, message) => {
    const v = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
    visitors.push(v)
    const id = (await v.startConversation({ fields: { name }, message })).conversation.id
    await agent.conversations.assign(id, me.id)
    return id
  }
  try {
    const refund = await start('Olivia Brooks', 'I returned the shoes two weeks ago, where is my refund?')
    const sizes = await start('Kenji Mori', 'Do the trail shoes come in 47?')
    const old = await tomC.send(sizes, `@[${me.name}] the 47 is back in stock on Friday, see the supplier sheet`, { private: true })
    await priyaC.send(refund, 'Offer free return shipping on the next order to keep this customer', { private: true })
    const first = (await agent.mentions.list()).items.find((m) => m.messageId === old.id)
    if (first) await agent.mentions.read(first.id)
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#inbox`)
      await page.locator('lcd-conversation-list button.mentions').click()
      await page.locator('lcd-mentions li.unread').first().waitFor()
      // A new mention arrives while the agent looks: the toast (the last size's, read by now).
      for (const m of (await agent.mentions.list({ unread: true })).items) if (m.by.name === 'Tom Becker') await agent.mentions.read(m.id)
      const news = size.isMobile ? [sizes, 'black too? The customer asked on the phone'] : [refund, 'the carrier confirmed the return arrived on Monday']
      await tomC.send(news[0], `@${me.name} ${news[1]}`, { private: true })
      await page.locator('.toast').waitFor()
      await page.locator('lcd-mentions li.unread').nth(1).waitFor()
      await pageShot(page, `dashboard-mentions${size.suffix}`)
    })
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#settings`)
      await page.getByRole('tab', { name: 'Agents' }).click()
      await page.getByRole('combobox', { name: 'Role of Priya Shah' }).waitFor()
      await pageShot(page, `dashboard-settings-roles${size.suffix}`)
    })
    await atEachSize(browser, async (page, size) => {
      await page.goto(`${url}/dashboard/`)
      await page.getByLabel('Email').fill('priya.shah@demo.example')
      await page.getByLabel('Password').fill(password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.locator('select#status').waitFor()
      await page.goto(`${url}/dashboard/#inbox/${refund}`)
      await page.getByRole('button', { name: 'Take over' }).first().waitFor()
      await pageShot(page, `dashboard-supervisor${size.suffix}`)
    })
  } finally {
    for (const v of visitors) v.disconnect()
    tomC.disconnect()
    priyaC.disconnect()
    for (const c of (await agent.conversations.list({ status: ['pending', 'active'] })).items) await agent.conversations.resolve(c.id)
    await agent.agents.remove(tom.id)
    await agent.agents.remove(priya.id)
  }
}

/**
 * Contacts: the visitor panel's contact being edited (company, a list, a number, a date, a yes/no)
 * with a note on it, Settings → Contact attributes, and the inbox narrowed to a plan under More filters.
 */
async function contactShots(browser) {
  const made = []
  for (const a of [
    { key: 'plan', label: 'Plan', type: 'list', options: ['free', 'pro', 'business'] },
    { key: 'seats', label: 'Seats', type: 'number' },
    { key: 'renews', label: 'Renews on', type: 'date' },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'nickname', label: 'Preferred name', type: 'text', visitorMaySet: true },
  ])
    made.push(await agent.contacts.createAttribute(a))
  const maya = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
  const leo = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
  const { conversation } = await maya.startConversation({ fields: { name: 'Maya Chen', email: 'maya@northwind.example' }, message: 'Can we add five more seats before the renewal?' })
  const other = await leo.startConversation({ fields: { name: 'Leo Park', email: 'leo@example.org' }, message: 'Is there a student discount?' })
  await agent.contacts.update(maya.visitor.id, { phone: '+1 415 555 0134', company: 'Northwind Traders', attributes: { plan: 'business', seats: 25, renews: '2027-01-31', vip: true, nickname: 'Maya' } })
  await agent.contacts.update(leo.visitor.id, { attributes: { plan: 'free' } })
  await agent.contacts.addNote(maya.visitor.id, 'Champion for the rollout at Northwind; prefers email. Renewal call booked for January.')
  try {
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#inbox/${conversation.id}`)
      if (size.isMobile) await page.getByRole('button', { name: 'Visitor details ›' }).click()
      const card = page.locator('lcd-contact')
      await card.getByRole('button', { name: 'Edit contact' }).click()
      await card.getByRole('combobox', { name: 'Plan' }).waitFor()
      await pageShot(page, `dashboard-contact${size.suffix}`)
    })
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#settings`)
      await page.getByRole('tab', { name: 'Contact attributes' }).click()
      await page.getByRole('rowheader', { name: /^Preferred name/ }).waitFor()
      await pageShot(page, `dashboard-settings-contact-attributes${size.suffix}`)
    })
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#inbox`)
      await page.getByRole('button', { name: /^More filters/ }).click()
      await page.getByRole('combobox', { name: 'Contact attribute' }).selectOption('plan')
      await page.getByRole('combobox', { name: 'Plan is' }).selectOption('business')
      await page.getByRole('option', { name: /Leo Park/ }).waitFor({ state: 'detached' })
      await pageShot(page, `dashboard-inbox-attribute-filter${size.suffix}`)
    })
  } finally {
    for (const a of made) await agent.contacts.deleteAttribute(a.id)
    await agent.conversations.resolve(conversation.id)
    await agent.conversations.resolve(other.conversation.id)
    maya.disconnect()
    leo.disconnect()
  }
}

/** The header with the team online (three pictures, one a photo), and the emoji picker open. */
async function teamShots(open, sizes) {
  const team = []
  for (const name of ['Anna Berg', 'Ben Okafor', 'Cleo Park']) {
    const email = `${name.split(' ')[0].toLowerCase()}@demo.example`
    const password = crypto.randomBytes(12).toString('hex')
    const summary = await agent.agents.create({ email, name, password })
    if (name === 'Anna Berg') await db.prisma.user.update({ where: { id: summary.userId }, data: { avatarUrl: `${url}/examples/avatars/anna.svg` } })
    const client = new AgentClient({ url })
    await client.login(email, password)
    await client.connect(demo.siteId)
    await client.setStatus('online')
    team.push({ summary, client })
  }
  try {
    for (const [suffix, viewport, mobile] of sizes) {
      const { context, page, file } = await open(`widget-team${suffix}`, viewport, mobile)
      await page.locator('live-chat-app [part~="team"] img').waitFor()
      await page.locator('live-chat-app .status', { hasText: /2 others/ }).waitFor()
      await page.waitForTimeout(400)
      await page.screenshot({ path: file })
      console.log(`wrote ${path.relative(root, file)}`)
      await page.locator('live-chat-app [part~="input"]').fill('Thanks, that was quick ')
      await page.locator('live-chat-app .emo-b').click()
      await page.locator('live-chat-app .emo input').waitFor()
      await page.locator('live-chat-app .emo input').fill('heart')
      await page.waitForTimeout(400)
      const emoji = path.join(out, `widget-emoji${suffix}.png`)
      await page.screenshot({ path: emoji })
      console.log(`wrote ${path.relative(root, emoji)}`)
      await context.close()
    }
  } finally {
    for (const { summary, client } of team) {
      client.disconnect()
      await agent.agents.remove(summary.id)
    }
  }
}

/** A small seeded PRNG (mulberry32): the same pictures on every run. */
function prng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Thirty days of past chats on the demo site (written straight to the database, as an import
 * would), so the analytics page has a month to show: busier weekdays and mornings, a few offline
 * messages and missed chats, first replies from seconds to minutes, ratings mostly good.
 */
async function seedHistory() {
  const rand = prng(20261124)
  const agentId = (await agent.me()).sites.find((s) => s.siteId === demo.siteId).agentId
  const siteId = demo.siteId
  const visitors = []
  const conversations = []
  const messages = []
  const at = (t) => new Date(t)
  for (let d = 30; d >= 1; d--) {
    const day = new Date(Date.now() - d * 86_400_000)
    const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6
    const n = (weekend ? 2 : 7) + Math.floor(rand() * 5)
    for (let i = 0; i < n; i++) {
      const hour = 7 + Math.floor(rand() * rand() * 13)
      const start = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour, Math.floor(rand() * 60))
      const visitorId = crypto.randomUUID()
      const id = crypto.randomUUID()
      const offline = rand() < 0.08
      const answered = !offline && rand() > 0.06
      const frt = answered ? Math.round(8 + rand() * rand() * 400) : null
      const resolved = answered ? start + (frt + 180 + Math.round(rand() * 1500)) * 1000 : null
      const stars = [5, 5, 5, 4, 4, 4, 3, 2, 5, 1]
      const rating = answered && rand() < 0.6 ? stars[Math.floor(rand() * stars.length)] : null
      const lines = [{ senderType: 'visitor', t: start, content: 'Hi, I have a question about my order.' }]
      if (answered) {
        lines.push({ senderType: 'agent', t: start + frt * 1000, content: 'Hello! Happy to help — what is the order number?' })
        lines.push({ senderType: 'visitor', t: start + (frt + 40) * 1000, content: 'It is #' + (1000 + Math.floor(rand() * 9000)) + '.' })
        lines.push({ senderType: 'agent', t: start + (frt + 90) * 1000, content: 'Thanks, it ships tomorrow.' })
      }
      visitors.push({ id: visitorId, siteId, name: `Visitor ${visitors.length + 1}`, createdAt: at(start), lastSeenAt: at(lines.at(-1).t) })
      lines.forEach((m, k) =>
        messages.push({
          siteId,
          conversationId: id,
          seq: k + 1,
          senderType: m.senderType,
          senderId: m.senderType === 'agent' ? agentId : visitorId,
          content: m.content,
          createdAt: at(m.t),
        }),
      )
      conversations.push({
        id,
        siteId,
        visitorId,
        offline,
        assignedAgentId: answered ? agentId : null,
        // Chats nobody answered were closed when the visitor left, long ago.
        status: resolved ? 'resolved' : 'closed',
        closedAt: resolved ? null : at(start + 30 * 60_000),
        rating,
        lastSeq: lines.length,
        lastPublicSeq: lines.length,
        firstMessageAt: at(start),
        lastMessageAt: at(lines.at(-1).t),
        lastActivityAt: at(resolved ?? lines.at(-1).t),
        firstResponseAt: frt === null ? null : at(start + frt * 1000),
        resolvedAt: resolved && at(resolved),
        missedAt: !answered && !offline ? at(start + 10 * 60_000) : null,
        createdAt: at(start),
      })
    }
  }
  await db.inSite(siteId, async (tx) => {
    const { agencyId } = await tx.site.findUniqueOrThrow({ where: { id: siteId } })
    await tx.visitor.createMany({ data: visitors })
    await tx.conversation.createMany({ data: conversations.map((c) => ({ ...c, agencyId })) })
    await tx.message.createMany({ data: messages })
  })
}

async function dashboardShots(browser) {
  await seedHistory()
  const visitors = []
  for (const p of people) {
    const v = new LiveChatClient({
      url,
      siteId: demo.siteId,
      storage: 'memory',
      // Each visitor's own browser, as the server reads it from the request.
      fetch: (input, init = {}) => fetch(input, { ...init, headers: { ...init.headers, 'user-agent': p.ua } }),
      socketOptions: { extraHeaders: { 'user-agent': p.ua } },
    })
    await v.connect()
    await v.visitPage(`https://shop.example${p.page[0]}`, p.page[1])
    const fields = {}
    if (p.name) fields.name = p.name
    if (p.email) fields.email = p.email
    const started = await v.startConversation({ fields, message: p.says })
    visitors.push({ v, id: started.conversation.id })
    await new Promise((r) => setTimeout(r, 150))
  }
  const sam = visitors[1]
  // Routing has likely given Sam's chat to the demo agent already (the only one online).
  await agent.conversations.assign(sam.id, (await agent.me()).sites.find((s) => s.siteId === demo.siteId).agentId).catch(() => {})
  await agent.send(sam.id, 'Hi Sam! Yes, we ship to Canada in 3–5 working days.')
  await agent.send(sam.id, 'Customer asked about customs fees before; link the FAQ if they ask.', { private: true })
  await sam.v.send(sam.id, 'Great, and are customs fees included?')

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 })
  const page = await context.newPage()
  await signIn(page)
  await page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').nth(people.length - 1).waitFor()
  const shot = async (name) => {
    await page.waitForTimeout(500)
    const file = path.join(out, `${name}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
  }
  await shot('dashboard-inbox')
  await page.goto(`${url}/dashboard/#inbox/${sam.id}`)
  await page.getByText('are customs fees included?').first().waitFor()
  await page.getByRole('region', { name: 'Visitor' }).waitFor()
  await shot('dashboard-conversation')
  await page.goto(`${url}/dashboard/#canned`)
  await page.getByText('Greeting').first().waitFor()
  await shot('dashboard-canned-responses')
  await page.goto(`${url}/dashboard/#analytics`)
  // The figures (or, on an empty range, the empty state) once the report is in.
  await page.locator('lcd-analytics dl.tiles, lcd-analytics .empty').first().waitFor()
  await shot('dashboard-analytics')
  await agent.webhooks.create({ url: 'https://hooks.example.com/live-chat', events: ['message.created', 'conversation.resolved'] })
  await page.goto(`${url}/dashboard/#settings`)
  await page.getByRole('heading', { name: /Settings/ }).first().waitFor()
  await shot('dashboard-settings')
  // Webhooks: one subscribed, its secret just rotated (the new one shown once, the old one still
  // signing for 24 hours), on a phone too.
  await page.getByRole('tab', { name: 'Webhooks' }).click()
  await page.getByRole('button', { name: /^Rotate secret of the webhook to/ }).click()
  await page.getByText(/whsec_/).first().waitFor()
  await pageShot(page, 'dashboard-settings-webhooks')
  await page.setViewportSize(SIZES[1].viewport)
  await pageShot(page, 'dashboard-settings-webhooks-mobile')
  // Its delivery log after a test ping the receiver did not take (the name does not resolve
  // here): the failed try, its reason and the Redeliver button, on a desktop and a phone.
  await page.setViewportSize(SIZES[0].viewport)
  await page.getByRole('button', { name: /^Send test to/ }).click()
  await page.getByRole('button', { name: /^Redeliver ping/ }).waitFor()
  await pageShot(page, 'dashboard-settings-webhooks-log')
  await page.setViewportSize(SIZES[1].viewport)
  await pageShot(page, 'dashboard-settings-webhooks-log-mobile')
  await context.close()
  for (const { v } of visitors) v.disconnect()
}

/**
 * Teams: Settings → Teams with two staffed teams, and the inbox narrowed to one team with one of
 * its conversations open (its team in the actions), on a desktop and a phone.
 */
async function teamsShots(browser) {
  const password = crypto.randomBytes(12).toString('hex')
  const ines = await agent.agents.create({ email: 'ines.costa@demo.example', name: 'Inês Costa', password })
  const meId = (await agent.me()).sites.find((s) => s.siteId === demo.siteId).agentId
  const sales = await agent.teams.create({ name: 'Sales', agentIds: [meId, ines.id] })
  const billing = await agent.teams.create({ name: 'Billing', agentIds: [meId] })
  const visitors = []
  const start = async (name, message, team) => {
    const v = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
    visitors.push(v)
    return (await v.startConversation({ fields: { name }, message, team })).conversation.id
  }
  try {
    await start('Noah Fischer', 'Do you offer a discount for a team of 12 runners?', 'Sales')
    await start('Amara Osei', 'My invoice shows the wrong VAT number.', 'Billing')
    await start('Lena Vogel', 'Can I pay by bank transfer?', 'Billing')
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#settings`)
      await page.getByRole('tab', { name: 'Teams' }).click()
      await page.getByRole('textbox', { name: 'Name of the Sales team' }).waitFor()
      await pageShot(page, `dashboard-settings-teams${size.suffix}`)
      // The list narrowed first (on a phone the open conversation takes the screen), then one opened.
      await page.goto(`${url}/dashboard/#inbox`)
      await page.getByLabel('Filter by team').selectOption({ label: 'Billing team' })
      await page.getByRole('option', { name: /Lena Vogel/ }).waitFor()
      await page.getByRole('option', { name: /Amara Osei/ }).click()
      await page.locator('lcd-conversation-view [role="log"]').getByText('wrong VAT number').waitFor()
      await page.getByRole('combobox', { name: 'Team', exact: true }).waitFor()
      await pageShot(page, `dashboard-teams-inbox${size.suffix}`)
    })
  } finally {
    for (const v of visitors) v.disconnect()
    for (const c of (await agent.conversations.list({ status: ['pending', 'active'] })).items) await agent.conversations.resolve(c.id)
    await agent.teams.delete(sales.id)
    await agent.teams.delete(billing.id)
    await agent.agents.remove(ines.id)
  }
}

/**
 * SLA: Settings → SLA with a default and an urgent policy; the inbox with the clocks (one overdue,
 * one due soon) and the overdue conversation open; analytics' "SLA targets met". Desktop and phone.
 */
async function slaShots(browser) {
  const standard = await agent.slaPolicies.create({ name: 'Standard', firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 480 })
  const urgent = await agent.slaPolicies.create({ name: 'Urgent', priority: 'urgent', firstResponseMinutes: 5, nextResponseMinutes: 10, resolutionMinutes: 120 })
  const visitors = []
  const start = async (name, message) => {
    const v = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
    visitors.push(v)
    return (await v.startConversation({ fields: { name }, message })).conversation.id
  }
  // Moves a conversation's running clocks `minutes` back, for the SLA job to set again.
  const backdate = (id, minutes) =>
    db.inSite(demo.siteId, (tx) => tx.$executeRaw`
      UPDATE mod_chat_sla_clocks SET started_at = started_at - make_interval(mins => ${minutes}::int), due_at = NULL
      WHERE conversation_id = ${id}::uuid AND met_at IS NULL AND cancelled_at IS NULL`)
  try {
    const late = await start('Omar Haddad', 'Where is my refund? It has been two weeks.')
    const soon = await start('Chloé Martin', 'Can I change the delivery address of order 5521?')
    const answered = await start('Jonas Berg', 'Do the trail shoes come in half sizes?')
    await agent.conversations.update(late, { priority: 'urgent' })
    await agent.send(answered, 'Hi Jonas! Yes, from 38 to 47 in half sizes.')
    await backdate(late, 12)
    await backdate(soon, 9)
    await app.services.analytics.sla.run()
    await atEachSize(browser, async (page, size) => {
      await signIn(page)
      await page.goto(`${url}/dashboard/#settings`)
      await page.getByRole('tab', { name: 'SLA' }).click()
      await page.locator('lcd-settings-sla li.policy').nth(1).waitFor()
      await pageShot(page, `dashboard-settings-sla${size.suffix}`)
      await page.goto(`${url}/dashboard/#inbox`)
      await page.getByRole('option', { name: /Chloé Martin/ }).waitFor()
      await page.getByRole('option', { name: /Omar Haddad/ }).click()
      await page.locator('lcd-conversation-view [role="log"]').getByText('Where is my refund').waitFor()
      await page.locator('lcd-conversation-view lcd-sla-clock span.overdue').waitFor()
      await pageShot(page, `dashboard-sla-inbox${size.suffix}`)
      await page.goto(`${url}/dashboard/#analytics`)
      await page.locator('lcd-analytics #sla-h').waitFor()
      await pageShot(page, `dashboard-sla-analytics${size.suffix}`)
    })
  } finally {
    for (const v of visitors) v.disconnect()
    for (const c of (await agent.conversations.list({ status: ['pending', 'active'] })).items) await agent.conversations.resolve(c.id)
    await agent.slaPolicies.delete(standard.id)
    await agent.slaPolicies.delete(urgent.id)
  }
}

/**
 * Privacy, at desktop and phone widths: the visitor panel's Export and Erase actions (an admin's),
 * the erasure's confirmation half typed, and the retention setting.
 */
async function privacyShots(browser) {
  const nora = new LiveChatClient({ url, siteId: demo.siteId, storage: 'memory' })
  await nora.connect()
  await nora.visitPage('https://shop.example/account/orders', 'Your orders')
  const { conversation } = await nora.startConversation({ fields: { name: 'Nora Quinn', email: 'nora.quinn@example.org' }, message: 'Please delete my account and everything you have about me.' })
  await agent.conversations.assign(conversation.id, (await agent.me()).sites.find((x) => x.siteId === demo.siteId).agentId).catch(() => {})
  await agent.send(conversation.id, 'Of course, Nora. I will send you a copy of your data first, then erase it.')
  await nora.send(conversation.id, 'Thank you!')
  nora.disconnect()
  const retention = (await agent.settings.get()).retention
  await atEachSize(browser, async (page, size) => {
    await signIn(page)
    await page.goto(`${url}/dashboard/#inbox/${conversation.id}`)
    // (a phone shows the visitor panel in the conversation's place)
    if (size.isMobile) await page.getByRole('button', { name: 'Visitor details ›' }).click()
    const actions = page.getByRole('group', { name: 'Privacy actions' })
    await actions.waitFor()
    await actions.scrollIntoViewIfNeeded()
    await page.waitForTimeout(300)
    let file = path.join(out, `dashboard-visitor-privacy${size.suffix}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await page.getByRole('button', { name: 'Erase visitor…' }).click()
    await page.getByLabel('Type “erase” to confirm').fill('era')
    await page.waitForTimeout(300)
    file = path.join(out, `dashboard-visitor-erase${size.suffix}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await page.keyboard.press('Escape')

    await page.goto(`${url}/dashboard/#settings`)
    const mode = page.locator('select[name="retentionMode"]')
    await mode.selectOption('anonymise')
    await page.locator('input[name="retentionDays"]').fill('90')
    // The fieldset in the middle of the settings' own scroll (the form's sticky Save bar covers its
    // foot); the document itself stays where it is (scrollIntoView moves it too, overflow hidden or not).
    await page.locator('#retention-hint').evaluate((el) => {
      el.scrollIntoView({ block: 'center' })
      document.scrollingElement.scrollTop = 0
    })
    await page.waitForTimeout(300)
    file = path.join(out, `dashboard-settings-retention${size.suffix}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
  })
  await agent.settings.update({ retention })
  await agent.conversations.resolve(conversation.id)
}

/**
 * The demo agency as a small agency would have it: three sites, people who accepted invitations
 * (an agency admin, a site admin, an agent on two sites), one pending invitation, API keys (one
 * revoked), and the audit log they all made. Everything through the SDK and the public routes.
 */
async function seedAgency() {
  const outdoor = await agent.sites.create({ name: 'Acme Outdoor', domains: ['outdoor.acme.example', 'www.outdoor.acme.example'] })
  const blog = await agent.sites.create({ name: 'Acme Journal', domains: ['journal.acme.example'] })
  await agent.settings.update({ allowedOrigins: ['https://shop.example'] })
  const join = async (email, name, input) => {
    const { link } = await agent.invitations.create({ email, ...input })
    const token = decodeURIComponent(new URL(link, url).hash.replace(/^#invite\//, ''))
    const res = await fetch(`${url}/api/invitations/accept`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name, password: `${crypto.randomUUID()}` }) })
    if (!res.ok) throw new Error(`accepting the invitation of ${email}: ${res.status} ${await res.text()}`)
  }
  await join('ana.silva@acme.example', 'Ana Silva', { role: 'admin' })
  await join('priya.raman@acme.example', 'Priya Raman', { role: 'member', sites: [{ siteId: demo.siteId, role: 'admin' }, { siteId: outdoor.id, role: 'agent' }] })
  await join('tom.becker@acme.example', 'Tom Becker', { role: 'member', sites: [{ siteId: outdoor.id, role: 'agent' }, { siteId: blog.id, role: 'agent' }] })
  await agent.invitations.create({ email: 'lee.wong@acme.example', role: 'member', sites: [{ siteId: blog.id, role: 'agent' }] })
  await agent.apiKeys.create({ name: 'CRM sync', siteId: demo.siteId, scopes: ['conversations:read', 'messages:write'] })
  await agent.apiKeys.create({ name: 'Provisioning', siteId: null, scopes: ['sites:read', 'sites:write', 'agents:read', 'agents:write'], expiresAt: new Date(Date.now() + 180 * 86_400_000).toISOString() })
  const old = await agent.apiKeys.create({ name: 'Old import script', siteId: outdoor.id, scopes: ['conversations:read'] })
  await agent.apiKeys.revoke(old.key.id)
  return { outdoor, blog }
}

async function adminShots(browser) {
  const { outdoor } = await seedAgency()
  for (const { suffix, viewport, isMobile = false, hasTouch = false } of SIZES) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, isMobile, hasTouch })
    const page = await context.newPage()
    await signIn(page)
    const shot = (name) => pageShot(page, `${name}${suffix}`)
    await page.goto(`${url}/dashboard/#admin/sites`)
    await page.getByRole('rowheader', { name: 'Acme Outdoor' }).waitFor()
    await shot('dashboard-sites')
    await page.goto(`${url}/dashboard/#admin/sites/${outdoor.id}`)
    await page.getByRole('button', { name: 'Show' }).waitFor()
    await shot('dashboard-sites-site')
    await page.getByRole('button', { name: 'Delete site…' }).click()
    await page.getByLabel('Type “Acme Outdoor” to confirm').fill('Acme Out')
    await page.waitForTimeout(300)
    const file = path.join(out, `dashboard-sites-delete${suffix}.png`)
    await page.screenshot({ path: file })
    console.log(`wrote ${path.relative(root, file)}`)
    await page.keyboard.press('Escape')
    await page.goto(`${url}/dashboard/#admin/team`)
    await page.getByRole('rowheader', { name: /Priya Raman/ }).waitFor()
    // An invitation through the form: this server sends no email, so the link is shown to hand over.
    await page.getByLabel('Email', { exact: true }).fill(`sam.okafor${suffix}@acme.example`)
    await page.getByRole('checkbox', { name: 'Demo Site' }).check()
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText('The invitation was not emailed').waitFor()
    await shot('dashboard-team')
    await page.goto(`${url}/dashboard/#admin/api-keys`)
    await page.getByRole('rowheader', { name: 'CRM sync' }).waitFor()
    await page.getByLabel('Name', { exact: true }).fill(`Analytics export${suffix ? ' (phone)' : ''}`)
    await page.getByRole('checkbox', { name: /analytics:read/ }).check()
    await page.getByRole('button', { name: 'Create key' }).click()
    await page.getByText('you will not see it again').waitFor()
    await shot('dashboard-api-keys')
    await page.goto(`${url}/dashboard/#admin/audit`)
    await page.getByRole('cell', { name: /Created an API key/ }).first().waitFor()
    await shot('dashboard-audit')
    await context.close()
  }
}

/** The 6-digit code an authenticator app shows for a base32 secret now (RFC 6238). */
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)))
  const h = crypto.createHmac('sha1', key).update(counter).digest()
  const o = h[19] & 15
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0')
}

/** The visitor sends `text` from the open widget; resolves with the conversation it starts (as the agent hears of it). */
async function startChat(input, text) {
  const created = new Promise((resolve) => {
    const off = agent.on('conversation:created', (c) => (off(), resolve(c)))
  })
  await input.fill(text)
  await input.press('Enter')
  return created
}

/** Signs the demo agent in to the dashboard on `page` and waits for it to be ready. */
async function signIn(page) {
  await page.goto(`${url}/dashboard/`)
  await page.getByLabel('Email').fill(demo.email)
  await page.getByLabel('Password').fill(demo.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('select#status').waitFor()
}

/**
 * A whole-page screenshot of `page` as docs/screenshots/<name>.png. The dashboard scrolls inside
 * its own elements, not the document: the page is made as tall as its content for the picture.
 */
async function pageShot(page, name) {
  const viewport = page.viewportSize()
  const hidden = await page.evaluate(() => {
    let most = 0
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (/auto|scroll/.test(getComputedStyle(el).overflowY)) most = Math.max(most, el.scrollHeight - el.clientHeight)
        if (el.shadowRoot) walk(el.shadowRoot)
      }
    }
    walk(document)
    return most
  })
  if (hidden > 0) await page.setViewportSize({ width: viewport.width, height: viewport.height + hidden })
  await page.waitForTimeout(300)
  const file = path.join(out, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  console.log(`wrote ${path.relative(root, file)}`)
  if (hidden > 0) await page.setViewportSize(viewport)
}

/** Runs `fn(page, size)` in a fresh browser context at each size. */
async function atEachSize(browser, fn, sizes = SIZES) {
  for (const size of sizes) {
    const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: 1, isMobile: !!size.isMobile, hasTouch: !!size.hasTouch })
    try {
      await fn(await context.newPage(), size)
    } finally {
      await context.close()
    }
  }
}

async function accountShots(browser) {
  // First-run setup: a second server on an empty database, and its setup link.
  const setupDb = await openDatabase({ dataDir: path.join(dataDir, 'pglite-setup') })
  const setupApp = await createApp({ db: setupDb, secret: SECRET, logger: createLogger('warn'), widgetDir: path.join(root, 'packages/widget/cdn'), dashboardDir: path.join(root, 'packages/dashboard/public') })
  try {
    const setupUrl = `http://127.0.0.1:${(await setupApp.listen(0, '127.0.0.1')).port}`
    const token = await setupApp.services.setup.issue()
    const fillSetup = async (page) => {
      await page.getByLabel('Your name').fill('Olivia Martin')
      await page.getByLabel('Email').fill('olivia@northwind.example')
      await page.getByLabel('Password').fill('correct horse battery staple')
      await page.getByLabel('Agency or company name').fill('Northwind Studio')
      await page.getByLabel('First site').fill('Northwind Shop')
      await page.getByLabel('Its domains').fill('shop.northwind.example\nwww.northwind.example')
    }
    await atEachSize(browser, async (page, size) => {
      await page.goto(`${setupUrl}/dashboard/#setup/${token}`)
      await page.getByRole('heading', { name: 'Create your workspace' }).waitFor()
      await fillSetup(page)
      await pageShot(page, `dashboard-setup${size.suffix}`)
      if (size.suffix) return
      // Done once (the link is spent): the phone picture of it is the same page, narrower.
      await page.getByRole('button', { name: 'Create workspace' }).click()
      await page.getByRole('heading', { name: 'Your workspace is ready' }).waitFor()
      await pageShot(page, 'dashboard-setup-done')
      await page.setViewportSize(SIZES[1].viewport)
      await pageShot(page, 'dashboard-setup-done-mobile')
    }, [...SIZES].reverse())
  } finally {
    await setupApp.close()
    await setupDb.close()
  }

  // The demo agency has more than one site (the header's site switcher), and a teammate with two-factor sign-in.
  if ((await agent.me()).sites.length < 2) await agent.sites.create({ name: 'Acme Journal' })
  /** An invitation's `#invite/<token>` (this server sends no email: the link comes back). */
  const invite = async (email, sites) => {
    const { link } = await agent.invitations.create({ email, sites })
    return link.slice(link.indexOf('#'))
  }
  const sam = new AgentClient({ url })
  await sam.invitations.accept({ token: (await invite('sam.rivera@acme.example', [{ siteId: demo.siteId, role: 'agent' }])).split('/')[1], name: 'Sam Rivera', password: 'sam’s long passphrase' })
  const { secret } = await sam.account.twoFactorSetup()
  await sam.account.twoFactorEnable(totp(secret))
  await sam.logout()

  const fragment = await invite('jordan.lee@acme.example', [{ siteId: demo.siteId, role: 'agent' }])
  await atEachSize(browser, async (page, size) => {
    await page.goto(`${url}/dashboard/${fragment}`)
    await page.getByLabel('Your name').fill('Jordan Lee')
    await pageShot(page, `dashboard-invite${size.suffix}`)
  })

  // The reset screen shows its form before the token is checked (on submit).
  await atEachSize(browser, async (page, size) => {
    await page.goto(`${url}/dashboard/#reset/${crypto.randomUUID()}.${crypto.randomBytes(32).toString('base64url')}`)
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    await pageShot(page, `dashboard-reset${size.suffix}`)
  })

  await atEachSize(browser, async (page, size) => {
    await page.goto(`${url}/dashboard/`)
    await page.getByLabel('Email').fill('sam.rivera@acme.example')
    await page.getByLabel('Password').fill('sam’s long passphrase')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor()
    await pageShot(page, `dashboard-sign-in-code${size.suffix}`)
  })

  // Your account, as the demo agent (signed in here, in the script and in the dashboard shots before).
  await atEachSize(browser, async (page, size) => {
    await signIn(page)
    await page.goto(`${url}/dashboard/#account`)
    await page.getByRole('cell', { name: /This device/ }).waitFor()
    await pageShot(page, `dashboard-account${size.suffix}`)
    await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click()
    await page.getByRole('img', { name: /QR code/ }).waitFor()
    await pageShot(page, `dashboard-account-two-factor${size.suffix}`)
    await page.getByRole('button', { name: 'Cancel' }).click()
  })
}

import * as TJS from 'typescript-json-schema'
const t0 = Date.now()
const program = TJS.programFromConfig('packages/protocol/tsconfig.json')
const gen = TJS.buildGenerator(program, { required: true, noExtraProps: true, strictNullChecks: true, ref: true, aliasRef: false, topRef: false, titles: false })
const names = ['Message','AgentSession','Agency','Member','ApiKey','ApiKeyCreated','WebhookDelivery','SiteSettings','AnalyticsReport','Page','WidgetConfig','TwoFactorRequired','InvitationSent','AuditEvent']
const s = gen.getSchemaForSymbols(names)
console.log(Date.now() - t0, Object.keys(s.definitions).length, Object.keys(s.definitions).join(' '))
for (const n of ['Agency','ApiKey','WebhookDelivery']) console.log(JSON.stringify(s.definitions[n]))
console.log(JSON.stringify(s.definitions.SiteSettings).slice(0,1200))

// Must show (issue 14): a password reset on one server process ends the user's sessions
// everywhere. Two real server processes share Postgres and Redis; the user's dashboard client
// (the SDK's AgentClient) is connected to the second one; the reset link comes by email (a real
// local SMTP server) and is used on the first. The old token is refused on both processes and
// the open socket on the second is disconnected within a second of the reset's answer.
import { performance } from 'node:perf_hooks'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '@live-chat/sdk'
import { startProcess, stopProcess, type ServerProcess } from '../processes.js'
import { waitFor, type TestServer } from '../helpers.js'
import { startSmtp, type TestSmtp } from '../smtp.js'
import { bearer, expectError, linkToken, PUBLIC_URL, signIn, startAccountsServer, workspace } from './harness.js'

let fixtures: TestServer
let inbox: TestSmtp
let one: ServerProcess
let two: ServerProcess
beforeAll(async () => {
  inbox = await startSmtp()
  const env = { SMTP_URL: inbox.url, MAIL_FROM: 'Chat <chat@example.test>', PUBLIC_URL }
  ;[fixtures, one, two] = await Promise.all([startAccountsServer(), startProcess(env), startProcess(env)])
}, 120_000)
afterAll(async () => {
  await Promise.all([stopProcess(one), stopProcess(two)])
  await fixtures?.close()
  await inbox?.close()
})

describe('a password reset across two server processes', () => {
  it('refuses the old token everywhere and disconnects the user’s socket on the other process within 1 s', async () => {
    const ws = await workspace(fixtures)
    const siteId = ws.sites[0]!
    // The dashboard, signed in and connected to process two.
    const dashboard = await signIn(fixtures, ws.owner.email)
    const client = new AgentClient({ url: two.url, token: dashboard.token })
    try {
      await client.connect(siteId)
      expect((await request(two.url).get(`/api/sites/${siteId}/conversations`).set(bearer(dashboard.token))).status).toBe(200)

      // "Forgot password" and the reset, both on process one.
      const forgot = await request(one.url).post('/api/auth/password/forgot').send({ email: ws.owner.email })
      expect({ status: forgot.status, body: forgot.body }).toEqual({ status: 202, body: { ok: true } })
      const token = linkToken(await inbox.firstMailTo(ws.owner.email, 'the reset email from process one'), 'reset')

      // The server tells the socket (session:revoked) and drops it; the SDK stops and says so.
      let signedOutAt = 0
      const signedOut = waitFor<{ reason: string; error: { code: string } }>((fn) =>
        client.on('signed-out', (e) => {
          signedOutAt = performance.now()
          fn(e)
        }),
      )
      const res = await request(one.url).post('/api/auth/password/reset').send({ token, password: 'a brand new passphrase' })
      const answeredAt = performance.now()
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { email: ws.owner.email } })

      expect(await signedOut).toMatchObject({ reason: 'revoked', error: { code: 'unauthorized' } })
      expect(client.connected).toBe(false)
      const ms = signedOutAt - answeredAt
      console.log(`reset-password: the socket on the other process was signed out ${ms.toFixed(0)} ms after the reset's answer`)
      expect(ms, `signed out ${ms.toFixed(0)} ms after the reset's answer`).toBeLessThan(1000)

      // The old tokens are refused by both processes, REST and socket alike.
      for (const server of [one, two]) {
        for (const old of [dashboard.token, ws.owner.token]) expectError(await request(server.url).get(`/api/sites/${siteId}/conversations`).set(bearer(old)), 401, 'unauthorized')
      }
      const again = new AgentClient({ url: two.url, token: dashboard.token })
      try {
        await expect(again.connect(siteId)).rejects.toMatchObject({ code: 'unauthorized' })
      } finally {
        again.disconnect()
      }
      // The new password signs in on either process.
      expect((await request(two.url).post('/api/auth/login').send({ email: ws.owner.email, password: 'a brand new passphrase' })).status).toBe(200)
    } finally {
      client.disconnect()
    }
  }, 120_000)
})

import { parseOptions } from '@node-rs/argon2'
import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from './auth.js'

// Made by the `argon2` package (0.45.1, `argon2.hash(pw, { type: argon2.argon2id })`), which this
// server used before @node-rs/argon2: databases hold hashes like these.
const OLD_HASHES = [
  { password: 'correct horse battery staple', hash: '$argon2id$v=19$m=65536,p=4,t=3$sNC30PrWjgU9ufUtdU+U+A$VnBOM2kRZ51T4oaYbe58Flxz8Cxjh0ymPlrViZPiEtg' },
  { password: 'pässwörd ✓', hash: '$argon2id$v=19$m=65536,p=4,t=3$tZEz98/U0TUo1FBwRDk6Kw$jwdssNWVw92L+37dTNE7R6rrdocKwIN6JxmhmkPWebQ' },
]

describe('verifyPassword', () => {
  it('accepts hashes made by the argon2 package with their password, and refuses any other password', async () => {
    for (const { password, hash } of OLD_HASHES) {
      expect(await verifyPassword(hash, password)).toBe(true)
      expect(await verifyPassword(hash, `${password} `)).toBe(false)
    }
    expect(await verifyPassword(OLD_HASHES[0]!.hash, OLD_HASHES[1]!.password)).toBe(false)
  })

  it('refuses (without throwing) a hash that is not a PHC string, and a missing hash', async () => {
    expect(await verifyPassword('no-login', 'no-login')).toBe(false)
    expect(await verifyPassword('$argon2id$v=19$m=65536,p=4,t=3$broken', 'x')).toBe(false)
    expect(await verifyPassword(null, 'anything')).toBe(false)
  })
})

describe('hashPassword', () => {
  it('makes argon2id hashes with the old cost (64 MiB, 3 passes, 4 lanes) and a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(/^\$argon2id\$v=19\$/)
    expect(a).not.toBe(b)
    expect(parseOptions(a)).toMatchObject({ memoryCost: 65_536, timeCost: 3, parallelism: 4, outputLen: 32, saltLen: 16 })
    expect(parseOptions(a)).toMatchObject(parseOptions(OLD_HASHES[0]!.hash))
    expect(await verifyPassword(a, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(a, 'correct horse battery stapl')).toBe(false)
  })
})

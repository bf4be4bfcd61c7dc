// How database failures reach clients: a dropped or refused connection is `unavailable` and
// retryable whatever Prisma code carries it (the Postgres restart chaos test met P2039 with
// SQLSTATE 57P01, and pg's "not queryable" error, mid-transaction); real refusals stay refusals.
import { DriverAdapterError } from '@prisma/driver-adapter-utils'
import { describe, expect, it } from 'vitest'
import { fromUnknown, isDeadlock, isUniqueViolation } from './errors.js'

const prismaError = (code: string, cause: Record<string, unknown>) =>
  Object.assign(new Error('Invalid `tx.conversation.update()` invocation'), { code, meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } })

describe('fromUnknown', () => {
  it('makes a connection lost mid-transaction retryable, whatever the Prisma code', () => {
    for (const e of [
      prismaError('P2039', { originalCode: '57P01', kind: 'postgres', message: 'terminating connection due to administrator command' }),
      prismaError('P2039', { originalCode: '57P03', kind: 'postgres', message: 'the database system is shutting down' }),
      prismaError('P2010', { originalCode: '08006', kind: 'postgres' }),
      prismaError('P2039', { kind: 'ConnectionClosed' }),
      prismaError('P1001', { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Client was closed and is not queryable'),
    ]) {
      expect(fromUnknown(e).toBody()).toEqual({ code: 'unavailable', message: 'the database is unavailable; retry', retryable: true })
    }
  })

  it('reads the driver adapter’s own errors the same way (statements sent through db.direct)', () => {
    const unreachable = new DriverAdapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 })
    const restarting = new DriverAdapterError({ kind: 'postgres', originalCode: '57P01', originalMessage: 'terminating connection', severity: 'FATAL', message: 'x' } as never)
    for (const e of [unreachable, restarting]) expect(fromUnknown(e).toBody()).toEqual({ code: 'unavailable', message: 'the database is unavailable; retry', retryable: true })
    expect(isUniqueViolation(new DriverAdapterError({ kind: 'UniqueConstraintViolation', constraint: { fields: ['client_id'] }, originalCode: '23505' } as never))).toBe(true)
    expect(isDeadlock(new DriverAdapterError({ kind: 'postgres', originalCode: '40P01' } as never))).toBe(true)
    expect(isUniqueViolation(unreachable)).toBe(false)
  })

  it('reads a bare node-postgres client’s errors too: a server starting up or unreachable is retryable, bad credentials are not', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'FATAL' })
    for (const e of [
      pgError('57P03', 'the database system is starting up'),
      pgError('53300', 'sorry, too many clients already'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect EHOSTUNREACH 10.0.0.9:5432'), { code: 'EHOSTUNREACH' }),
      Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:5433'), new Error('connect ECONNREFUSED 127.0.0.1:5433')], ''), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      new Error('Query read timeout'),
    ])
      expect(fromUnknown(e).retryable, String(e)).toBe(true)
    for (const e of [
      pgError('28P01', 'password authentication failed for user "app"'),
      pgError('28000', 'role "nobody" does not exist'),
      pgError('3D000', 'database "nothere" does not exist'),
    ])
      expect(fromUnknown(e).retryable, String(e)).toBe(false)
  })

  it('keeps refusals and bugs as they are', () => {
    expect(fromUnknown(prismaError('P2039', { originalCode: '42501', kind: 'postgres' })).code).toBe('forbidden')
    expect(fromUnknown(prismaError('P2002', { originalCode: '23505', kind: 'postgres' })).code).toBe('conflict')
    expect(fromUnknown(new TypeError('x is undefined')).toBody()).toEqual({ code: 'internal', message: 'internal error' })
  })
})

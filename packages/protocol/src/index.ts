export * from './errors.js'
export * from './events.js'
export * from './schemas.js'
export type * from './types.js'

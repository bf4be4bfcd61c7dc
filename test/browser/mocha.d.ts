// The mocha globals web-test-runner provides in the page (no @types/mocha needed for these).
type Done = (error?: unknown) => void
type TestFn = (this: MochaContext, done: Done) => void | Promise<unknown>
interface MochaContext {
  timeout(ms: number): void
  skip(): never
}
interface TestDef {
  (title: string, fn?: TestFn): void
  only(title: string, fn?: TestFn): void
  skip(title: string, fn?: TestFn): void
}
interface SuiteDef {
  (title: string, fn: (this: MochaContext) => void): void
  only(title: string, fn: (this: MochaContext) => void): void
  skip(title: string, fn: (this: MochaContext) => void): void
}
declare const describe: SuiteDef
declare const it: TestDef
declare function before(fn: TestFn): void
declare function after(fn: TestFn): void
declare function beforeEach(fn: TestFn): void
declare function afterEach(fn: TestFn): void

// A job run every `ms` in this process: the next run is scheduled when the last one ends, so
// runs never overlap here (other processes are kept out by the jobs themselves). kick() asks for
// a run now, or right after the one in progress.
import type { Logger } from './logger.js'

export interface PeriodicOptions {
  /** The first run at start() rather than `ms` later. */
  runAtStart?: boolean
}

export class Periodic {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private again = false
  private stopped = true

  /** `ms` 0 = never on its own (the job still runs when kicked, or when called directly). */
  constructor(
    private readonly name: string,
    private readonly ms: number,
    private readonly job: () => Promise<unknown>,
    private readonly log: Logger,
    private readonly opts: PeriodicOptions = {},
  ) {}

  get isStopped(): boolean {
    return this.stopped
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    if (this.opts.runAtStart) this.schedule(0)
    else if (this.ms > 0) this.schedule(this.ms)
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  /** Runs now (something was just queued), or again as soon as the run in progress ends. */
  kick(): void {
    if (this.stopped) return
    if (this.running) this.again = true
    else this.schedule(0)
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running = this.job()
        .catch((e: unknown) => this.log.warn({ err: e }, `${this.name} failed`))
        .finally(() => {
          this.running = undefined
          if (this.stopped) return
          const now = this.again
          this.again = false
          if (now) this.schedule(0)
          else if (this.ms > 0) this.schedule(this.ms)
        })
    }, ms)
    this.timer.unref()
  }
}

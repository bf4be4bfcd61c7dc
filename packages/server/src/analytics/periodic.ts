// A job run every `ms` in this process: the next run is scheduled when the last one ends, so
// runs never overlap here (other processes are kept out by the jobs themselves).
import type { Logger } from '../shared/logger.js'

export class Periodic {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<unknown> | undefined
  private stopped = true

  /** `ms` 0 = never (the job still runs when called directly). */
  constructor(
    private readonly name: string,
    private readonly ms: number,
    private readonly job: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped || this.ms <= 0) return
    this.stopped = false
    this.schedule()
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.running = this.job()
        .catch((e: unknown) => this.log.warn({ err: e }, `${this.name} failed`))
        .finally(() => {
          this.running = undefined
          if (!this.stopped) this.schedule()
        })
    }, this.ms)
    this.timer.unref()
  }
}

import { LitElement, css, html, nothing, type PropertyValues } from 'lit'
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js'
import { base } from '../shared/styles.js'
import { define } from '../shared/define.js'
import { formatCount } from './model.js'

// Only what the analytics page draws (line and bar charts on category × linear axes, with a
// legend and tooltips): chart.js leaves the rest out of the bundle.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip)

/** One line or set of bars. */
export interface ChartSeries {
  label: string
  data: number[]
  /** A CSS colour. */
  color: string
}

/**
 * A chart.js line or bar chart that is also readable without seeing it: the canvas is an image
 * named by `summary`, and the same numbers are in a table under "Show the numbers".
 */
export class LcdChart extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: grid;
        gap: 8px;
        min-width: 0;
      }
      .box {
        position: relative;
        height: var(--lcd-chart-height, 240px);
        min-width: 0;
      }
      summary {
        cursor: pointer;
        color: var(--accent-ink);
        width: max-content;
      }
      .scroll {
        max-height: 280px;
        overflow: auto;
        margin-top: 6px;
      }
      table {
        border-collapse: collapse;
        font-size: 13px;
      }
      th,
      td {
        padding: 3px 10px 3px 0;
        border-bottom: 1px solid var(--line);
        text-align: right;
      }
      th:first-child {
        text-align: left;
      }
    `,
  ]
  static override properties = {
    type: {},
    labels: { attribute: false },
    series: { attribute: false },
    summary: {},
    caption: {},
    labelHeader: { attribute: 'label-header' },
  }

  type: 'line' | 'bar' = 'bar'
  /** The x axis: one label per value. */
  labels: string[] = []
  series: ChartSeries[] = []
  /** What the chart shows, in a sentence or two: the canvas's accessible name. */
  summary = ''
  /** The data table's caption. */
  caption = ''
  /** The header of the table's first column (what the labels are). */
  labelHeader = ''

  #chart: Chart<'line' | 'bar', number[], string> | null = null
  #drawn = ''

  override connectedCallback(): void {
    super.connectedCallback()
    if (this.hasUpdated && !this.#chart) this.requestUpdate() // back in the page: draw again
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#chart?.destroy()
    this.#chart = null
  }

  override render() {
    return html`<div class="box"><canvas role="img" aria-label=${this.summary}></canvas></div>
      <details>
        <summary>Show the numbers</summary>
        <div class="scroll">
          <table>
            ${this.caption ? html`<caption class="sr-only">${this.caption}</caption>` : nothing}
            <thead>
              <tr>
                <th scope="col">${this.labelHeader}</th>
                ${this.series.map((s) => html`<th scope="col">${s.label}</th>`)}
              </tr>
            </thead>
            <tbody>
              ${this.labels.map(
                (label, i) => html`<tr>
                  <th scope="row">${label}</th>
                  ${this.series.map((s) => html`<td>${formatCount(s.data[i] ?? 0)}</td>`)}
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </details>`
  }

  protected override updated(changed: PropertyValues<this>): void {
    const canvas = this.renderRoot.querySelector('canvas')
    if (!canvas) return
    if (this.#chart && changed.has('type')) {
      this.#chart.destroy()
      this.#chart = null
    }
    // The page hands new arrays on every render (a download starting, a load finishing): redraw
    // (and re-animate) only when the figures themselves changed.
    const drawn = JSON.stringify([this.type, this.labels, this.series])
    if (this.#chart && drawn === this.#drawn) return
    this.#drawn = drawn
    const data = {
      labels: this.labels,
      datasets: this.series.map((s) => ({
        label: s.label,
        data: s.data,
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: this.type === 'line' ? 2 : 0,
        pointRadius: this.labels.length > 45 ? 0 : 2,
      })),
    }
    if (this.#chart) {
      this.#chart.data = data
      this.#chart.update()
      return
    }
    const style = getComputedStyle(this)
    const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches
    const config: ChartConfiguration<'line' | 'bar', number[], string> = {
      type: this.type,
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduced ? false : { duration: 300 },
        interaction: { mode: 'index', intersect: false },
        font: { family: style.fontFamily },
        color: style.getPropertyValue('--muted').trim() || '#5b6472',
        scales: {
          x: { grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: {
          legend: { display: this.series.length > 1, position: 'bottom', labels: { boxWidth: 12 } },
          tooltip: { enabled: true },
        },
      },
    }
    this.#chart = new Chart(canvas, config)
  }
}
define('lcd-chart', LcdChart)

declare global {
  interface HTMLElementTagNameMap {
    'lcd-chart': LcdChart
  }
}

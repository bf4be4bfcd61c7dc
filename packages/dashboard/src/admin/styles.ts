import { css } from 'lit'
import { tableStyles } from '../shared/form-styles.js'

/** The administration screens' layout, tables, notes and secrets (after `base` and `formStyles`). */
export const adminStyles = [
  tableStyles,
  css`
    /* One column that never grows past the screen: wide tables scroll sideways in their .scroll. */
    :host {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 24px;
      align-content: start;
    }
    section {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 10px;
      min-width: 0;
    }
    p {
      margin: 0;
    }
    th,
    td {
      vertical-align: top;
    }
    thead th {
      font-weight: 600;
      white-space: nowrap;
      color: var(--muted);
      font-size: 13px;
    }
    tbody th {
      font-weight: 500;
    }
    tbody th a {
      color: var(--accent-ink);
      font-weight: 600;
    }
    td.num {
      text-align: right;
    }
    /* Widths of fields in a wrapping row (classes, not style attributes: the dashboard's CSP allows no inline styles). */
    .f-220 {
      flex: 1 1 220px;
    }
    .f-280 {
      flex: 2 1 280px;
    }
    .f-320 {
      flex: 0 1 320px;
    }
    .f-360 {
      flex: 0 1 360px;
    }
    .nowrap {
      white-space: nowrap;
    }
    .who {
      display: grid;
    }
    .who .muted {
      font-weight: 400;
    }
    .tags {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
    }
    .tag {
      display: inline-block;
      padding: 1px 6px;
      border-radius: 4px;
      background: var(--bg-soft);
      border: 1px solid var(--line);
      font-size: 12px;
      white-space: nowrap;
    }
    code {
      font: 13px ui-monospace, SFMono-Regular, Menlo, monospace;
    }
    td.actions {
      text-align: right;
      white-space: nowrap;
    }
    td.actions > * + * {
      margin-left: 6px;
    }
    .row.top {
      align-items: start;
    }
    .you {
      margin-left: 0.3em;
    }
    .box {
      display: grid;
      gap: 8px;
      padding: 12px;
      border: 1px solid var(--line);
      border-radius: var(--radius);
    }
    .box.ok {
      border-color: var(--ok);
    }
    .box.warn {
      border-color: var(--note-line);
      background: var(--note-bg);
    }
    code.secret {
      font: 14px ui-monospace, SFMono-Regular, Menlo, monospace;
      padding: 4px 8px;
      background: var(--bg-soft);
      border: 1px solid var(--line);
      border-radius: 4px;
      user-select: all;
      overflow-wrap: anywhere;
    }
    .copy {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: center;
      justify-content: space-between;
    }
    ul.effects {
      list-style: disc;
      padding-left: 20px;
      display: grid;
      gap: 4px;
    }
    ul.effects li {
      display: list-item;
      margin: 0;
    }
    .danger-zone {
      border: 1px solid #f1b4ae;
      border-radius: var(--radius);
      padding: 12px 16px;
    }
  `,
]

import { css } from 'lit'

/** The webhooks section's layout (after `base`, `formStyles` and `deliveryStyles`). */
export const webhooksStyles = css`
  :host {
    display: grid;
    gap: 20px;
  }
  section {
    display: grid;
    gap: 10px;
  }
  .scroll {
    overflow-x: auto;
  }
  table.hooks {
    border-collapse: collapse;
    width: 100%;
  }
  table.hooks > * > tr > th,
  table.hooks > * > tr > td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--line);
    vertical-align: top;
  }
  .url {
    overflow-wrap: anywhere;
    font-weight: 500;
  }
  .events code {
    display: block;
    font-size: 12px;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  td.panel {
    background: var(--bg-soft);
  }
  .log-head {
    display: flex;
    gap: 12px;
    align-items: center;
    margin-bottom: 6px;
  }
  .created {
    display: grid;
    gap: 8px;
    padding: 12px;
    border: 1px solid var(--ok);
    border-radius: var(--radius);
  }
  code.secret {
    font: 13px ui-monospace, SFMono-Regular, Menlo, monospace;
    padding: 4px 8px;
    background: var(--bg-soft);
    border-radius: 4px;
    user-select: all;
    overflow-wrap: anywhere;
  }
  input[name='url'] {
    width: min(100%, 520px);
  }
  /* Phones: each webhook is a small block (URL, events, enabled, actions) instead of a row of four cells. */
  @media (max-width: 600px) {
    table.hooks > thead {
      display: none;
    }
    table.hooks > tbody > tr,
    table.hooks > tbody > tr > th,
    table.hooks > tbody > tr > td {
      display: block;
    }
    table.hooks > tbody > tr {
      padding: 8px 0;
      border-bottom: 1px solid var(--line);
    }
    table.hooks > tbody > tr > th,
    table.hooks > tbody > tr > td {
      border: 0;
      padding: 3px 0;
    }
    td[data-label]::before {
      content: attr(data-label) ': ';
      color: var(--muted);
      font-size: 13px;
    }
  }
`

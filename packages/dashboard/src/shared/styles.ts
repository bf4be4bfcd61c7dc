import { css } from 'lit'

/**
 * The dashboard's shared look: colour tokens (themeable through `--lcd-*` custom properties) and
 * the base controls every view uses. Each element adds its own rules after these.
 */
export const base = css`
  :host {
    --accent: var(--lcd-accent, #2563eb);
    --accent-weak: var(--lcd-accent-weak, #e8effd);
    /* Accent-coloured text on --accent-weak (4.5:1 and more). */
    --accent-ink: var(--lcd-accent-ink, #1d4ed8);
    --bg: var(--lcd-background, #fff);
    --bg-soft: var(--lcd-background-soft, #f6f7f9);
    --fg: var(--lcd-text, #1f2937);
    --muted: var(--lcd-muted, #5b6472);
    --line: var(--lcd-border, #e3e6eb);
    --danger: #b42318;
    --ok: #16a34a;
    --warn: #d97706;
    --note-bg: #fff7e0;
    --note-line: #f0c75e;
    --radius: 8px;
    font: 14px/1.45 var(--lcd-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--fg);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  /* A count in a pill (unread messages, mentions). */
  .count {
    min-width: 20px;
    padding: 0 6px;
    border-radius: 999px;
    background: var(--accent);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    text-align: center;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--line);
    background: var(--bg);
    border-radius: 6px;
    padding: 6px 12px;
  }
  button:hover {
    background: var(--bg-soft);
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: #fff;
  }
  button.primary:hover {
    filter: brightness(1.08);
  }
  button.danger {
    color: var(--danger);
  }
  button.link {
    border: 0;
    background: none;
    color: var(--accent);
    padding: 0;
    text-decoration: underline;
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  input,
  select,
  textarea {
    border: 1px solid var(--line);
    border-radius: 6px;
    padding: 6px 8px;
    background: var(--bg);
    min-width: 0;
  }
  :focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 1px;
  }
  label {
    display: grid;
    gap: 4px;
    font-weight: 500;
  }
  .muted {
    color: var(--muted);
  }
  .err {
    color: var(--danger);
  }
  .dot {
    display: inline-block;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: #9ca3af;
    flex: none;
  }
  .dot.online {
    background: var(--ok);
  }
  .dot.away {
    background: var(--warn);
  }
  .dot.busy {
    background: var(--danger);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  h1,
  h2,
  h3 {
    margin: 0;
    line-height: 1.25;
  }
  h2 {
    font-size: 18px;
  }
  h3 {
    font-size: 15px;
  }
`

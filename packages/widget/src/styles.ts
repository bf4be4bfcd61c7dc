import { css } from 'lit'

/**
 * The widget's look. Everything the page may theme is a `--lc-*` custom property or a `::part`.
 * The host is pinned with `!important` (inside a shadow root that beats the page's own
 * `!important` rules), and every element inside starts from `all: initial`-like resets, so
 * aggressive page CSS neither reaches in nor moves the widget. Inside the window sides are logical
 * (start/end, inline), so a right-to-left language mirrors it with `dir` alone; the launcher and
 * its badge keep the site's corner.
 */
export const styles = css`
  :host {
    all: initial !important;
    display: block !important;
    position: fixed !important;
    z-index: var(--lc-z-index, 2147483000) !important;
    inset: auto var(--lc-offset-x, 20px) var(--lc-offset-y, 20px) auto !important;
    transform: none !important;
    filter: none !important;
    contain: none !important;
    overflow: visible !important;
    --a: var(--lc-accent, var(--_accent, #2563eb));
    --on: var(--lc-on-accent, var(--_on, #fff));
    --f: var(--lc-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    --bg: var(--lc-background, #fff);
    --fg: var(--lc-text, #1f2937);
    --muted: var(--lc-muted, #6b7280);
    --agent-bg: var(--lc-agent-bubble, #f1f3f6);
    --r: var(--lc-radius, 16px);
  }
  :host([data-left]) {
    inset: auto auto var(--lc-offset-y, 20px) var(--lc-offset-x, 20px) !important;
  }
  /* In the top layer the host gets a ::backdrop over the whole page, which the page's own
     ::backdrop rules (meant for its dialogs) would dim or blur. */
  :host::backdrop {
    display: none !important;
  }
  :host([hidden]) {
    display: none !important;
  }
  * {
    box-sizing: border-box;
    font: inherit;
    color: inherit;
    margin: 0;
    letter-spacing: normal;
    text-transform: none;
    text-align: start;
  }
  .root {
    font: 15px/1.4 var(--f);
    color: var(--fg);
    display: flex;
    flex-direction: column;
    gap: 12px;
  }
  button {
    cursor: pointer;
    border: 0;
    background: none;
    padding: 0;
    display: inline-flex;
    align-items: center;
    justify-content: center;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--a);
    outline-offset: 2px;
  }
  svg {
    width: 22px;
    height: 22px;
    fill: currentColor;
    display: block;
  }
  .launcher {
    width: 56px;
    height: 56px;
    border-radius: 50%;
    background: var(--a);
    color: var(--on);
    box-shadow: 0 4px 16px #0003;
    position: relative;
    margin-left: auto;
    /* Its own layer: otherwise whether the page's layers overlap it decides how its icon's edges
       are rasterized, and it looks a shade different from one site to the next. */
    will-change: transform;
  }
  /* Physical sides: the site's corner, whatever the language's direction. */
  :host([data-left]) .launcher {
    margin: 0 auto 0 0;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .badge {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: #dc2626;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 20px;
    text-align: center;
  }
  .window {
    width: 380px;
    height: min(640px, calc(100vh - 110px));
    background: var(--bg);
    border-radius: var(--r);
    box-shadow: 0 8px 40px #0004;
    display: flex;
    flex-direction: column;
    overflow: hidden;
  }
  header {
    background: var(--a);
    color: var(--on);
    padding: 14px 12px;
    padding-inline-start: 18px;
    display: flex;
    align-items: center;
    gap: 8px;
  }
  header .t {
    flex: 1;
    min-width: 0;
  }
  h2 {
    font-size: 17px;
    font-weight: 700;
  }
  .status {
    font-size: 13px;
  }
  .status::before {
    content: '';
    display: inline-block;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    margin-inline-end: 6px;
    background: #9ca3af;
  }
  .status.on::before {
    background: #22c55e;
  }
  header button {
    width: 36px;
    height: 36px;
    border-radius: 8px;
  }
  header button:hover {
    background: #8883;
  }
  .body {
    flex: 1;
    overflow-y: auto;
    padding: 16px;
    display: flex;
    flex-direction: column;
    gap: 8px;
  }
  .note {
    background: var(--agent-bg);
    border-radius: 12px;
    padding: 12px 14px;
    white-space: pre-wrap;
  }
  .banner {
    font-size: 13px;
    color: var(--muted);
    text-align: center;
    padding: 4px;
  }
  .msg {
    display: flex;
    gap: 8px;
    align-items: flex-end;
    max-width: 85%;
  }
  .msg.own {
    align-self: flex-end;
    flex-direction: row-reverse;
  }
  .bubble {
    border-radius: 14px;
    padding: 8px 12px;
    background: var(--agent-bg);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .own .bubble {
    background: var(--a);
    color: var(--on);
  }
  .failed .bubble {
    opacity: 0.6;
  }
  .meta {
    font-size: 11px;
    color: var(--muted);
    margin-top: 2px;
  }
  .own .meta {
    text-align: end;
  }
  /* Arrows point the way text reads (the close cross is symmetric). */
  [dir='rtl'] :is(header, .go) svg {
    transform: scaleX(-1);
  }
  .who {
    font-size: 12px;
    color: var(--muted);
    margin-bottom: 2px;
  }
  .avatar {
    width: 28px;
    height: 28px;
    border-radius: 50%;
    flex: none;
    background: var(--a);
    color: var(--on);
    font-size: 13px;
    font-weight: 700;
    display: flex;
    align-items: center;
    justify-content: center;
    object-fit: cover;
  }
  .file {
    display: block;
    margin-top: 4px;
    text-decoration: underline;
    cursor: pointer;
  }
  .file img {
    display: block;
    max-width: 220px;
    max-height: 220px;
    border-radius: 8px;
  }
  progress {
    display: block;
    width: 100%;
    height: 4px;
    margin-top: 4px;
    accent-color: #fff;
  }
  .link {
    color: var(--a);
    text-decoration: underline;
    font-size: 13px;
  }
  .own .link {
    color: var(--on);
  }
  .composer {
    display: flex;
    align-items: flex-end;
    gap: 6px;
    border-top: 1px solid #e5e7eb;
    padding: 8px;
  }
  textarea,
  input,
  select {
    font-size: 16px;
    width: 100%;
    border: 1px solid #d1d5db;
    border-radius: 10px;
    padding: 9px 12px;
    background: #fff;
    color: var(--fg);
    resize: none;
  }
  .composer textarea {
    border: 0;
    max-height: 120px;
  }
  .icon {
    width: 40px;
    height: 40px;
    flex: none;
    border-radius: 10px;
    color: var(--muted);
  }
  /* The file input stays focusable (keyboard, screen readers) but invisible; in the stylesheet,
     not a style attribute, so host pages with a strict style-src CSP do not block it. */
  label.icon input {
    position: absolute;
    width: 1px;
    height: 1px;
    opacity: 0;
  }
  label.icon {
    display: flex;
    position: relative;
    flex-direction: row;
    align-items: center;
    justify-content: center;
    cursor: pointer;
  }
  .icon.go {
    color: var(--a);
  }
  .emo-b {
    font-size: 20px;
  }
  .err {
    color: #b91c1c;
    font-size: 13px;
    font-weight: 400;
  }
  @media (max-width: 640px) {
    :host([data-open]) {
      inset: 0 !important;
    }
    :host([data-open]) .root {
      height: 100%;
    }
    :host([data-open]) .launcher {
      display: none;
    }
    .window {
      width: 100%;
      height: 100%;
      border-radius: 0;
    }
  }
  @media (prefers-reduced-motion: no-preference) {
    .window {
      animation: in 0.18s ease-out;
    }
    @keyframes in {
      from {
        opacity: 0;
        transform: translateY(12px);
      }
    }
  }
`

import { css } from 'lit'

/** The reply box's own rules (after `base`): the note look, the canned responses popup, files and failed sends. */
export const composerStyles = css`
  :host {
    display: block;
    position: relative;
    background: var(--bg);
    border-top: 1px solid var(--line);
    padding: 8px 12px 10px;
  }
  .box {
    display: grid;
    gap: 6px;
  }
  textarea {
    width: 100%;
    min-height: 64px;
    max-height: 40vh;
    resize: vertical;
    field-sizing: content;
  }
  .note textarea {
    background: var(--note-bg);
    border-color: var(--note-line);
  }
  .row {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
  }
  .spacer {
    flex: 1;
  }
  .modes {
    display: inline-flex;
    border: 1px solid var(--line);
    border-radius: 6px;
    overflow: hidden;
  }
  .modes button {
    border: 0;
    border-radius: 0;
  }
  .modes button[aria-pressed='true'] {
    background: var(--accent-weak);
    /* The accent itself is 4.47:1 on its weak tint: a shade darker reads at 7:1. */
    color: #1e40af;
    font-weight: 600;
  }
  .modes button.note[aria-pressed='true'] {
    background: var(--note-bg);
    color: #7a5200;
  }
  .hint {
    margin: 0;
    font-size: 13px;
  }
  .note .hint.mode {
    color: #7a5200;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .files,
  .failed {
    display: grid;
    /* Never wider than the box: a long file name or unsent text is cut, not the page widened. */
    grid-template-columns: minmax(0, 1fr);
    gap: 4px;
  }
  .files li,
  .failed li {
    display: flex;
    align-items: center;
    gap: 8px;
    flex-wrap: wrap;
    padding: 4px 8px;
    border: 1px solid var(--line);
    border-radius: 6px;
    font-size: 13px;
  }
  .failed li {
    border-color: #f3c5c0;
    background: #fff5f4;
  }
  .failed li > [role='alert'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 8px;
    min-width: 0;
  }
  .failed q {
    display: block;
    max-width: min(40ch, 100%);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  progress {
    width: 120px;
  }
  [role='listbox'] {
    position: absolute;
    left: 12px;
    right: 12px;
    bottom: calc(100% - 4px);
    max-height: 280px;
    overflow-y: auto;
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.12);
    z-index: 10;
  }
  [role='option'] {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: 8px;
    padding: 6px 10px;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--accent-weak);
    outline: 2px solid var(--accent);
    outline-offset: -2px;
  }
  .sc {
    font-family: ui-monospace, monospace;
    color: var(--accent);
  }
  .title {
    font-weight: 600;
  }
  .preview {
    grid-column: 1 / -1;
    color: var(--muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
`

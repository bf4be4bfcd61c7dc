import { css } from 'lit'

/** The sections of "Your account" (after `base`): a heading, a line of text, a form or a table. */
export const accountSectionStyles = css`
  :host {
    display: grid;
    gap: 12px;
    align-content: start;
  }
  p {
    margin: 0;
  }
  form {
    display: grid;
    gap: 12px;
    max-width: 420px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .hint {
    font-size: 13px;
    font-weight: 400;
  }
  .ok {
    color: var(--ok);
  }
  [aria-invalid='true'] {
    border-color: var(--danger);
  }
`

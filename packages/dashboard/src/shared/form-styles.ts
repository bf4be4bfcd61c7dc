import { css } from 'lit'

/** A form field's error text next to it, and the control it is about (after `base`). */
export const fieldErrorStyles = css`
  .field-err {
    display: block;
    font-weight: 400;
    font-size: 13px;
  }
  [aria-invalid='true'] {
    border-color: var(--danger);
  }
`

/** The settings forms' layout (after `base`). */
export const formStyles = css`
  form,
  fieldset {
    display: grid;
    gap: 10px;
  }
  fieldset {
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 12px 16px 16px;
    margin: 0;
    min-width: 0;
  }
  fieldset.all {
    border: 0;
    padding: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  .label {
    font-weight: 500;
  }
  label.check {
    display: flex;
    gap: 8px;
    align-items: center;
    font-weight: 400;
  }
  /* A long label wraps; the box keeps its size. */
  label.check > input {
    flex: none;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: end;
  }
  .hint {
    margin: 0;
    font-size: 13px;
  }
  .note {
    margin: 0;
    padding: 8px 12px;
    background: var(--note-bg);
    border: 1px solid var(--note-line);
    border-radius: var(--radius);
  }
  ul,
  ol {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    margin-bottom: 4px;
  }
  .add {
    display: flex;
    gap: 8px;
    align-items: center;
  }
  ${fieldErrorStyles}
  button.link.danger {
    color: var(--danger);
  }
`

/** Tables of the settings and administration screens (after `base`), scrolling sideways when narrow. */
export const tableStyles = css`
  .scroll {
    overflow-x: auto;
    /* Holds its absolutely placed text (.sr-only headers): else they would widen the page. */
    position: relative;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--line);
    vertical-align: middle;
  }
`

import { css } from 'lit'

/** A page of sections under tabs (settings, administration): its heading and tabs on top, one panel below (after `base`). */
export const tabPageStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    overflow-y: auto;
    background: var(--bg);
  }
  .top {
    padding: 16px 24px 0;
    border-bottom: 1px solid var(--line);
    display: grid;
    gap: 12px;
  }
  [role='tablist'] {
    display: flex;
    gap: 4px;
    overflow-x: auto;
  }
  [role='tab'] {
    border: 0;
    border-bottom: 2px solid transparent;
    border-radius: 0;
    background: none;
    padding: 8px 12px;
    color: var(--muted);
    white-space: nowrap;
  }
  [role='tab'][aria-selected='true'] {
    color: var(--accent);
    border-bottom-color: var(--accent);
    font-weight: 600;
  }
  [role='tabpanel'] {
    padding: 20px 24px;
  }
  @media (max-width: 600px) {
    .top {
      padding: 12px 12px 0;
    }
    [role='tabpanel'] {
      padding: 16px 12px;
    }
  }
`

/**
 * The tab that `key` moves to from tab `index` of `count` (the WAI-ARIA tabs pattern: arrows wrap
 * around, Home and End), or undefined for any other key.
 */
export function tabAfterKey(key: string, index: number, count: number): number | undefined {
  const next = ({ ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: count - 1 } as Record<string, number>)[key]
  return next === undefined ? undefined : (next + count) % count
}

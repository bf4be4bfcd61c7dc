// A conversation's rating where agents look (the list, the conversation, the visitor panel): the
// stars the visitor gave and, where there is room, their comment.
import { css, html, nothing, type TemplateResult } from 'lit'

interface Rated {
  rating: number | null
  ratingFeedback: string | null
}

/** "Rated 4 of 5", and the comment after it when there is one. */
export function ratingLabel(c: Rated): string {
  return c.rating ? `Rated ${c.rating} of 5${c.ratingFeedback ? `: “${c.ratingFeedback}”` : ''}` : ''
}

/** A small badge, ★ and the number (the comment in its tooltip and accessible name). */
export function ratingBadge(c: Rated): TemplateResult | typeof nothing {
  if (!c.rating) return nothing
  return html`<span class="rating ${c.rating <= 2 ? 'low' : ''}" role="img" aria-label=${ratingLabel(c)} title=${ratingLabel(c)}>★ ${c.rating}</span>`
}

/** The stars in full and the comment, for the open conversation. */
export function ratingBlock(c: Rated): TemplateResult | typeof nothing {
  if (!c.rating) return nothing
  const stars = '★'.repeat(c.rating) + '☆'.repeat(5 - c.rating)
  return html`<p class="rated">
    <span class="stars ${c.rating <= 2 ? 'low' : ''}" role="img" aria-label="Rated ${c.rating} of 5">${stars}</span>
    ${c.ratingFeedback ? html`<q>${c.ratingFeedback}</q>` : html`<span class="muted">No comment</span>`}
  </p>`
}

/** The rating's looks, and the list's small pills (a rating, "Missed"). */
export const ratingStyles = css`
  .pill,
  .rating {
    font-size: 11px;
    font-weight: 700;
    padding: 0 6px;
    border-radius: 999px;
    background: #fef3c7;
    color: #92400e;
    white-space: nowrap;
  }
  .rating.low,
  .stars.low {
    color: #b91c1c;
  }
  .rating.low {
    background: #fee2e2;
  }
  .rated {
    margin: 0;
    display: flex;
    gap: 8px;
    align-items: baseline;
    font-size: 13px;
    min-width: 0;
  }
  .rated .stars {
    color: #b45309;
    letter-spacing: 1px;
    white-space: nowrap;
  }
  .rated q {
    overflow-wrap: anywhere;
  }
`

// Helpers of the account screens (sign-in, first-run setup, invitations, passwords, two-factor):
// what a failed request says to a person, and the look of the signed-out screens' card.
import { css } from 'lit'
import { LiveChatError, type LiveChatErrorCode } from '@live-chat/sdk'
import { fieldErrorStyles } from '../shared/form-styles.js'

/** The hint under every new-password field (protocol NewPassword). */
export const PASSWORD_HINT = 'At least 10 characters. A long phrase is easier to remember and harder to guess.'

/**
 * What a failed request says to a person: the message given for its code, else the usual ones
 * (too many attempts, the server unreachable), else `fallback`.
 */
export function problem(error: unknown, messages: Partial<Record<LiveChatErrorCode, string>>, fallback: string): string {
  const e = LiveChatError.from(error)
  const given = messages[e.code]
  if (given) return given
  if (e.code === 'rate_limited') return `Too many attempts; try again in ${e.retryAfter && e.retryAfter > 60 ? `${Math.ceil(e.retryAfter / 60)} minutes` : 'a minute'}.`
  if (e.code === 'unavailable') return 'Could not reach the chat server; check the connection and try again.'
  return fallback
}

/** The server's message about the field `path` of a refused form (`invalid_payload` details), if any. */
export function fieldMessage(error: unknown, path: string): string | undefined {
  const e = LiveChatError.from(error)
  return e.code === 'invalid_payload' ? e.details?.find((d) => d.path === path)?.message : undefined
}

/** A 6-digit code as typed (spaces and dashes dropped: apps show `123 456`). */
export const codeOf = (typed: string): string => typed.replace(/[\s-]/g, '')

/** Whether a typed code is the 6 digits an authenticator app shows. */
export const isSixDigits = (code: string): boolean => /^\d{6}$/.test(code)

export const WRONG_CODE = 'That code is not right. Check the app (codes change every 30 seconds) and try again.'
export const NOT_SIX_DIGITS = 'Enter the 6 digits the app shows.'
export const WRONG_PASSWORD = 'That password is not right.'

/** Moves focus to the first field (or `selector`) of `root` once it has rendered: each step of a flow starts there. */
export async function focusFirst(el: { updateComplete: Promise<unknown>; renderRoot: ParentNode }, selector = 'input:not([type=hidden]):not([readonly]), textarea'): Promise<void> {
  await el.updateComplete
  el.renderRoot.querySelector<HTMLElement>(selector)?.focus()
}

/**
 * The signed-out screens (after `base`): a card in the middle of the page that scrolls with the
 * page when it is taller than the screen.
 */
export const cardStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    flex: 1;
    min-height: 100%;
    overflow-y: auto;
    background: var(--bg-soft);
    padding: 16px 0;
  }
  .card {
    margin: auto;
    display: grid;
    gap: 14px;
    width: min(400px, 92vw);
    padding: 28px;
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: 12px;
  }
  .card.wide {
    width: min(600px, 94vw);
  }
  input,
  textarea {
    padding: 9px 10px;
  }
  button.primary {
    padding: 9px 14px;
  }
  p {
    margin: 0;
  }
  .hint {
    font-size: 13px;
    font-weight: 400;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px 16px;
    align-items: center;
    justify-content: space-between;
  }
  fieldset {
    display: grid;
    gap: 12px;
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 12px 16px 16px;
    margin: 0;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  ${fieldErrorStyles}
  @media (max-width: 480px) {
    .card {
      padding: 20px 16px;
    }
  }
`

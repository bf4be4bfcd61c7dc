// The pieces of two-factor sign-in that the sign-in's enrolment and "Your account" share: the
// enrolment form (QR code, the key as text, the first code) and its look.
import { css, html, nothing, type TemplateResult } from 'lit'
import type { TwoFactorSetup } from '@live-chat/sdk'
import { codeOf, isSixDigits, NOT_SIX_DIGITS } from './util.js'

/**
 * The server's QR code (an SVG document) as an image URL. It is shown through <img>, never put
 * into the page as markup: an image cannot run script or reach the page.
 */
export function qrSrc(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}

/** The base32 key in groups of four, as authenticator apps show it when typed by hand. */
export const groupedKey = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ')

export interface EnrolmentOptions {
  busy: boolean
  error: string
  /** The submit button's text. */
  submit: string
  /** With the 6 digits typed (spaces and dashes dropped). */
  onSubmit: (code: string) => void
  /** When what was typed is not 6 digits: the message to show. */
  onInvalid: (message: string) => void
  /** Shown as a "Cancel" button when given. */
  onCancel?: () => void
}

/** The enrolment form: scan the QR code (or type the key), then enter the app's first code. */
export function enrolment(setup: TwoFactorSetup, o: EnrolmentOptions): TemplateResult {
  const submit = (e: SubmitEvent): void => {
    e.preventDefault()
    const code = codeOf(String(new FormData(e.target as HTMLFormElement).get('code') ?? ''))
    if (isSixDigits(code)) o.onSubmit(code)
    else o.onInvalid(NOT_SIX_DIGITS)
  }
  // The form's own check (six digits) says what is wrong in words, next to the field.
  return html`<form class="enrol" @submit=${submit} novalidate>
    <ol class="steps">
      <li>
        <div class="step">
          <span>Scan this QR code with an authenticator app (1Password, Google Authenticator, Microsoft Authenticator, Aegis, …):</span>
          <img class="qr" src=${qrSrc(setup.qrSvg)} alt="QR code to add Live Chat to an authenticator app" width="184" height="184" />
          <span>Or type this key into the app: <code class="key">${groupedKey(setup.secret)}</code></span>
          <a class="on-phone" href=${setup.uri}>On a phone? Open it in the authenticator app</a>
        </div>
      </li>
      <li>
        <label
          >Enter the 6-digit code the app shows
          <input name="code" class="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required aria-invalid=${o.error ? 'true' : 'false'} aria-describedby=${o.error ? 'enrol-err' : nothing} />
        </label>
      </li>
    </ol>
    ${o.error ? html`<p class="err" id="enrol-err" role="alert">${o.error}</p>` : nothing}
    <div class="actions">
      <button class="primary" type="submit" ?disabled=${o.busy}>${o.busy ? 'Checking…' : o.submit}</button>
      ${o.onCancel ? html`<button type="button" @click=${o.onCancel}>Cancel</button>` : nothing}
    </div>
  </form>`
}

/** The enrolment form's look (after `base`). */
export const enrolmentStyles = css`
  form.enrol {
    display: grid;
    gap: 14px;
  }
  .steps {
    margin: 0;
    padding-left: 20px;
    display: grid;
    gap: 14px;
  }
  .steps li::marker {
    font-weight: 600;
  }
  .step {
    display: grid;
    gap: 8px;
    justify-items: start;
  }
  img.qr {
    display: block;
    width: 184px;
    height: 184px;
    padding: 8px;
    background: #fff;
    border: 1px solid var(--line);
    border-radius: var(--radius);
  }
  code.key {
    font: 15px ui-monospace, SFMono-Regular, Menlo, monospace;
    padding: 2px 6px;
    background: var(--bg-soft);
    border-radius: 4px;
    user-select: all;
    overflow-wrap: anywhere;
  }
  input.code {
    width: 10ch;
    font: 18px ui-monospace, SFMono-Regular, Menlo, monospace;
    letter-spacing: 0.1em;
  }
  a.on-phone {
    color: var(--accent-ink);
    font-size: 13px;
  }
  /* A pointer that hovers is a computer: the phone link would open nothing there. */
  @media (hover: hover) and (pointer: fine) {
    a.on-phone {
      display: none;
    }
  }
`

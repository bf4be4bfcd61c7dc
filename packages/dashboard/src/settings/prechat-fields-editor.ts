// The pre-chat form's fields editor: add, remove, reorder, and edit name, label, type, required
// and (for a select) its options. A template function: state lives in <lcd-settings-widget>.
import { html, nothing, type TemplateResult } from 'lit'
import type { PreChatField } from '@live-chat/sdk'
import type { FieldErrors } from '../shared/form.js'

const TYPES: [PreChatField['type'], string][] = [
  ['text', 'Text'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['select', 'Choice list'],
  ['textarea', 'Long text'],
  ['consent', 'Consent checkbox'],
  ['team', 'Team (routes the chat)'],
]

/** A new field's name: `field1`, `field2`, … (the first not taken). */
function freeName(fields: PreChatField[]): string {
  for (let n = fields.length + 1; ; n++) if (!fields.some((f) => f.name === `field${n}`)) return `field${n}`
}

export function preChatFieldsEditor(fields: PreChatField[], set: (fields: PreChatField[]) => void, errors: FieldErrors): TemplateResult {
  const put = (i: number, patch: Partial<PreChatField>) => {
    set(
      fields.map((f, j) => {
        if (j !== i) return f
        const next = { ...f, ...patch }
        if (next.type !== 'select') delete next.options
        else next.options ??= []
        if (next.type !== 'consent' || !next.url) delete next.url
        return next
      }),
    )
  }
  const move = (i: number, by: number) => {
    const next = [...fields]
    const [f] = next.splice(i, 1)
    next.splice(i + by, 0, f!)
    set(next)
  }
  return html`<div class="fields" role="group" aria-labelledby="prechat-h">
    <span id="prechat-h" class="label">Pre-chat fields</span>
    ${fields.length ? nothing : html`<p class="muted">No fields yet.</p>`}
    <ol>
      ${fields.map((f, i) => {
        const p = `widget.preChatFields.${i}`
        const a = (k: string) => errors.aria(`${p}.${k}`)
        const n = i + 1
        return html`<li class="pf" data-index=${i}>
          <div class="row">
            <label
              >Label
              <input name="pf-label" .value=${f.label} aria-invalid=${a('label').invalid} aria-describedby=${a('label').describedby} @input=${(e: Event) => put(i, { label: (e.target as HTMLInputElement).value })}
            /></label>
            <label
              >Name (key)
              <input
                name="pf-name"
                .value=${f.name}
                spellcheck="false"
                aria-invalid=${a('name').invalid}
                aria-describedby=${a('name').describedby}
                @input=${(e: Event) => put(i, { name: (e.target as HTMLInputElement).value.trim() })}
            /></label>
            <label
              >Type
              <select name="pf-type" .value=${f.type} @change=${(e: Event) => put(i, { type: (e.target as HTMLSelectElement).value as PreChatField['type'] })}>
                ${TYPES.map(([t, label]) => html`<option value=${t} ?selected=${t === f.type}>${label}</option>`)}
              </select></label
            >
            <label class="check"
              ><input type="checkbox" name="pf-required" .checked=${f.required} @change=${(e: Event) => put(i, { required: (e.target as HTMLInputElement).checked })} />
              Required</label
            >
          </div>
          ${errors.text(`${p}.label`)} ${errors.text(`${p}.name`)}
          ${f.type === 'select'
            ? html`<label
                  >Options (one per line)
                  <textarea
                    name="pf-options"
                    rows="3"
                    .value=${(f.options ?? []).join('\n')}
                    aria-invalid=${a('options').invalid}
                    aria-describedby=${a('options').describedby}
                    @change=${(e: Event) =>
                      put(i, {
                        options: (e.target as HTMLTextAreaElement).value
                          .split('\n')
                          .map((o) => o.trim())
                          .filter(Boolean),
                      })}
                  ></textarea></label
                >${errors.text(`${p}.options`)}`
            : nothing}
          ${f.type === 'consent'
            ? html`<p class="muted">The label is the wording the visitor agrees to; it is kept with their consent, with the time.</p>
                <label
                  >Privacy policy link (https)
                  <input
                    name="pf-url"
                    type="url"
                    .value=${f.url ?? ''}
                    placeholder="https://example.com/privacy"
                    aria-invalid=${a('url').invalid}
                    aria-describedby=${a('url').describedby}
                    @input=${(e: Event) => put(i, { url: (e.target as HTMLInputElement).value.trim() })}
                /></label>
                ${errors.text(`${p}.url`)}`
            : nothing}
          <div class="row actions">
            <button type="button" aria-label="Move field ${n} up" ?disabled=${i === 0} @click=${() => move(i, -1)}>↑</button>
            <button type="button" aria-label="Move field ${n} down" ?disabled=${i === fields.length - 1} @click=${() => move(i, 1)}>↓</button>
            <button type="button" class="danger" aria-label="Remove field ${n}" @click=${() => set(fields.filter((_, j) => j !== i))}>Remove</button>
          </div>
          ${errors.text(p, true)}
        </li>`
      })}
    </ol>
    <button type="button" @click=${() => set([...fields, { name: freeName(fields), label: 'New field', type: 'text', required: false }])}>Add field</button>
    ${errors.text('widget.preChatFields', true)}
  </div>`
}

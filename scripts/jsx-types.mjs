// JSX and template typings of the public elements, per framework, from each package's
// custom-elements.json (run by `npm run manifest`, after the analyzer): jsx/<framework>.d.ts,
// exported as `@live-chat/<package>/jsx-<framework>` (types only, so a project without React
// installed never loads the React file). Attribute and property types come from the element
// class itself (`LiveChat['siteId']`), event types from the element's entries in
// HTMLElementEventMap (the package registers them), so nothing here can drift from the code.
// Weighed: @wc-toolkit/jsx-types and the custom-element-*-integration generators copy the
// manifest's type *text* ("CustomEvent<{config: WidgetConfig}>"), which does not resolve in a
// .d.ts without hand-added imports and so fails a consumer's skipLibCheck: false.
import fs from 'node:fs'
import path from 'node:path'

/** Which elements of which package get typings (their internal sub-elements do not). */
const PACKAGES = { 'packages/widget': ['live-chat'], 'packages/dashboard': ['live-chat-dashboard'] }

const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
const pascal = (s) => camel(s).replace(/^./, (c) => c.toUpperCase())

/**
 * One element's typings per framework. `el`: { tag, className, attributes: [{name, fieldName}],
 * events: [name] }; `p.props`: its attributes and properties; `p.events(prefix)`: a
 * handler prop per event, named prefix + event, typed by its event object.
 */
const FRAMEWORKS = {
  react: {
    doc: 'React 19 (`react` types): `<live-chat site-id="…" onlc-open={…}>` — React 19 sets properties and adds listeners for `on<event>` on custom elements.',
    imports: `import type { DetailedHTMLProps, HTMLAttributes } from 'react'`,
    element: (el, p) => `DetailedHTMLProps<HTMLAttributes<${el.className}>, ${el.className}> & ${p.props} & ${p.events('on')}`,
    augment: (entries) => `declare module 'react' {\n  namespace JSX {\n    interface IntrinsicElements {\n${entries}\n    }\n  }\n}`,
  },
  preact: {
    doc: 'Preact: `<live-chat site-id="…" onlc-open={…}>`.',
    // preact ≥ 10.20 exports HTMLAttributes itself (11 has it nowhere else).
    imports: `import type { HTMLAttributes } from 'preact'`,
    element: (el, p) => `HTMLAttributes<${el.className}> & ${p.props} & ${p.events('on')}`,
    augment: (entries) => `declare module 'preact' {\n  namespace JSX {\n    interface IntrinsicElements {\n${entries}\n    }\n  }\n}`,
  },
  solid: {
    doc: 'Solid: `<live-chat site-id="…" on:lc-open={…}>`.',
    imports: `import type { JSX as SolidJSX } from 'solid-js'`,
    element: (el, p) => `SolidJSX.HTMLAttributes<${el.className}> & ${p.props} & ${p.events('on:')}`,
    augment: (entries) => `declare module 'solid-js' {\n  namespace JSX {\n    interface IntrinsicElements {\n${entries}\n    }\n  }\n}`,
  },
  svelte: {
    doc: 'Svelte 5: `<live-chat site-id="…" onlc-open={…}>` (or `on:lc-open` in the legacy syntax).',
    imports: `import type { HTMLAttributes } from 'svelte/elements'`,
    element: (el, p) => `HTMLAttributes<${el.className}> & ${p.props} & ${p.events('on')} & ${p.events('on:')}`,
    augment: (entries) => `declare module 'svelte/elements' {\n  interface SvelteHTMLElements {\n${entries}\n  }\n}`,
  },
  vue: {
    // The shape Vue's guide gives for custom elements: $props for the template's attributes and
    // properties, $emit for `@lc-open` listeners.
    doc: 'Vue 3 (templates, checked by vue-tsc / Volar): `<live-chat site-id="…" @lc-open="…">`.',
    imports: `import type { EmitFn, HTMLAttributes, PublicProps } from 'vue'`,
    element: (el, p) =>
      `new () => ${el.className} & {\n        /** @deprecated For template type checking only. */\n        $props: HTMLAttributes & ${p.props} & PublicProps\n        /** @deprecated For template type checking only. */\n        $emit: EmitFn<${p.events('')}>\n      }`,
    augment: (entries) => `declare module 'vue' {\n  interface GlobalComponents {\n${entries}\n  }\n}`,
  },
}

function elementsOf(dir, tags) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'custom-elements.json'), 'utf8'))
  const out = []
  for (const mod of manifest.modules) {
    for (const d of mod.declarations ?? []) {
      if (!d.customElement || !tags.includes(d.tagName)) continue
      out.push({ tag: d.tagName, className: d.name, attributes: d.attributes ?? [], events: (d.events ?? []).map((e) => e.name) })
    }
  }
  const missing = tags.filter((t) => !out.some((e) => e.tag === t))
  if (missing.length) throw new Error(`${dir}/custom-elements.json has no ${missing.join(', ')}`)
  return out
}

function render(name, fw, elements) {
  const parts = (el) => {
    const attrs = el.attributes.map((a) => `'${a.name}'?: ${el.className}['${a.fieldName}']`)
    const fields = [...new Set(el.attributes.map((a) => a.fieldName))].filter((f) => !el.attributes.some((a) => a.name === f))
    const props = `{ ${[...attrs, ...fields.map((f) => `${f}?: ${el.className}['${f}']`)].join('; ')} }`
    const events = (prefix) => `{ ${el.events.map((e) => `'${prefix}${e}'${prefix ? '?' : ''}: (event: EventOf<'${e}'>) => void`).join('; ')} }`
    return { props, events }
  }
  const types = elements.map((el) => `/** The props of \`<${el.tag}>\` in ${name}. */\nexport type ${pascal(el.tag)}${pascal(name)}Props = ${fw.element(el, parts(el))}`)
  const entries = elements.map((el) => `      '${el.tag}': ${pascal(el.tag)}${pascal(name)}Props`).join('\n')
  const classes = elements.map((el) => el.className).join(', ')
  return `// Generated by scripts/jsx-types.mjs from custom-elements.json: do not edit.
// ${fw.doc}
// Enable it once in the project: \`import type {} from '<this entry>'\`, or
// \`/// <reference types="<this entry>" />\`, or list it in tsconfig "types".
${fw.imports}
import type { ${classes} } from '../dist/index.js'

type EventOf<K extends string> = K extends keyof HTMLElementEventMap ? HTMLElementEventMap[K] : CustomEvent<unknown>

${types.join('\n\n')}

${fw.augment(entries)}
`
}

for (const [dir, tags] of Object.entries(PACKAGES)) {
  const elements = elementsOf(dir, tags)
  fs.rmSync(path.join(dir, 'jsx'), { recursive: true, force: true })
  fs.mkdirSync(path.join(dir, 'jsx'))
  for (const [name, fw] of Object.entries(FRAMEWORKS)) fs.writeFileSync(path.join(dir, 'jsx', `${name}.d.ts`), render(name, fw, elements))
}

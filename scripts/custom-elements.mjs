// `npm run manifest` (part of `npm run build`) writes custom-elements.json of the widget and the
// dashboard for editors, docs and framework wrappers; each package's
// custom-elements-manifest.config.mjs is `config()` from here. It reads the TypeScript sources;
// JSDoc tags on the element class (@fires/@event, @csspart, @cssprop/@cssproperty, @slot, @summary)
// become the manifest's events, parts and custom properties. What it lists is what the package
// publishes: the modules of its export map and what they re-export, at their dist/*.js paths.
import fs from 'node:fs'
import path from 'node:path'

/**
 * What the analyzer does not know about this package:
 * - the element is registered through `define('live-chat', LiveChat)` (src/define.ts), not a
 *   literal `customElements.define(...)`: record the tag name and the definition export;
 * - `static properties` entries with `state: true` are internal state, neither attributes nor API;
 * - re-exports (`export { LiveChat }` of an import) point at the module that declares them.
 */
function liveChatPlugin() {
  /** @type {Map<string, { module: string, tag: string, className: string }>} (a Map: watch mode runs again) */
  const definitions = new Map()
  /** @type {Map<string, Set<string>>} class name → its state properties */
  const states = new Map()
  return {
    name: 'live-chat',
    analyzePhase({ ts, node, moduleDoc }) {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'define') {
        const [tag, cls] = node.arguments
        if (tag && cls && ts.isStringLiteral(tag) && ts.isIdentifier(cls)) definitions.set(`${moduleDoc.path} ${tag.text}`, { module: moduleDoc.path, tag: tag.text, className: cls.text })
      }
      if (ts.isClassDeclaration(node) && node.name) {
        for (const member of node.members) {
          const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
          if (!isStatic || !ts.isPropertyDeclaration(member) || member.name.getText() !== 'properties') continue
          if (!member.initializer || !ts.isObjectLiteralExpression(member.initializer)) continue
          for (const prop of member.initializer.properties) {
            if (!ts.isPropertyAssignment(prop) || !ts.isObjectLiteralExpression(prop.initializer)) continue
            const isState = prop.initializer.properties.some(
              (o) => ts.isPropertyAssignment(o) && o.name.getText() === 'state' && o.initializer.kind === ts.SyntaxKind.TrueKeyword,
            )
            if (!isState) continue
            if (!states.has(node.name.text)) states.set(node.name.text, new Set())
            states.get(node.name.text).add(prop.name.getText())
          }
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules
      const declaring = (name) => modules.find((m) => m.declarations?.some((d) => d.name === name))
      for (const mod of modules) {
        for (const d of mod.declarations ?? []) {
          const hidden = states.get(d.name)
          if (!hidden) continue
          d.members = d.members?.filter((m) => !hidden.has(m.name))
          d.attributes = d.attributes?.filter((a) => !hidden.has(a.fieldName))
        }
        for (const e of mod.exports ?? []) {
          const ref = e.declaration
          if (!ref?.module || ref.package) continue
          let target = ref.module
          if (target.startsWith('.')) target = path.posix.join(path.posix.dirname(mod.path), target).replace(/\.js$/, '.ts')
          if (!modules.find((m) => m.path === target)?.declarations?.some((d) => d.name === ref.name)) target = declaring(ref.name)?.path ?? target
          ref.module = target
        }
      }
      for (const { module, tag, className } of definitions.values()) {
        const owner = declaring(className)
        const decl = owner?.declarations.find((d) => d.name === className)
        if (!owner || !decl) continue
        decl.tagName = tag
        decl.customElement = true
        const mod = modules.find((m) => m.path === module)
        mod.exports = (mod.exports ?? []).filter((e) => !(e.kind === 'custom-element-definition' && e.name === tag))
        mod.exports.push({ kind: 'custom-element-definition', name: tag, declaration: { name: className, module: owner.path } })
      }
    },
  }
}

/**
 * Keeps the published API only: the modules the export map names (their `source` files) and the
 * modules declaring what those re-export, without type-only exports (interfaces are not in the
 * manifest) or private (#) members; then moves every path from src/*.ts to the dist/*.js file
 * that ships (the `source` condition and src/ are not in the tarball, see scripts/pack.mjs).
 */
function publishedOnly() {
  return {
    name: 'published-only',
    packageLinkPhase({ customElementsManifest }) {
      const exportsMap = JSON.parse(fs.readFileSync('package.json', 'utf8')).exports ?? {}
      const dist = new Map()
      for (const target of Object.values(exportsMap)) {
        if (typeof target === 'object' && target.source && target.default) dist.set(target.source.replace(/^\.\//, ''), target.default.replace(/^\.\//, ''))
      }
      const toDist = (p) => dist.get(p) ?? p.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js')
      const all = customElementsManifest.modules
      const byPath = new Map(all.map((m) => [m.path, m]))
      const declared = (ref) => byPath.get(ref.module)?.declarations?.some((d) => d.name === ref.name)
      const keep = new Set([...dist.keys()].filter((p) => byPath.has(p)))
      for (const p of keep) {
        for (const e of byPath.get(p).exports ?? []) if (e.declaration?.module && !e.declaration.package && declared(e.declaration)) keep.add(e.declaration.module)
      }
      customElementsManifest.modules = all.filter((m) => keep.has(m.path))
      for (const mod of customElementsManifest.modules) {
        mod.exports = (mod.exports ?? []).filter((e) => e.declaration.package || declared(e.declaration))
        for (const e of mod.exports) if (e.declaration.module) e.declaration.module = toDist(e.declaration.module)
        for (const d of mod.declarations ?? []) {
          if (d.members) d.members = d.members.filter((m) => m.privacy !== 'private' && !m.name.startsWith('#'))
          if (d.superclass?.module) d.superclass.module = toDist(d.superclass.module)
          for (const m of d.members ?? []) if (m.inheritedFrom?.module) m.inheritedFrom.module = toDist(m.inheritedFrom.module)
        }
        mod.path = toDist(mod.path)
      }
    },
  }
}

/** The analyzer's configuration for one package (run in its folder); `exclude`: more files to skip. */
export function config({ exclude = [] } = {}) {
  return {
    globs: ['src/**/*.ts'],
    exclude: ['src/**/*.test.ts', ...exclude],
    outdir: '.',
    litelement: true,
    // package.json already names the manifest ("customElements"); do not rewrite it.
    packagejson: false,
    plugins: [liveChatPlugin(), publishedOnly()],
  }
}

// `npm run manifest` (part of `npm run build`) writes custom-elements.json for editors, docs and
// framework wrappers. It reads the TypeScript sources; JSDoc tags on the element class
// (@fires/@event, @csspart, @cssprop/@cssproperty, @slot, @summary) become the manifest's
// events, parts and custom properties. The CDN entries (loader, cdn) register the same element.
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

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/loader.ts', 'src/cdn.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest ("customElements"); do not rewrite it.
  packagejson: false,
  plugins: [liveChatPlugin()],
}

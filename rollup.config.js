// Browser bundles, built from the TypeScript output (`tsc -b` runs first, see `npm run build`).
// The SDK's ESM build in packages/sdk/dist keeps socket.io-client as a dependency for npm users;
// this adds one self-contained, minified ES module for pages that load the SDK from a CDN.
// The widget's loader and full bundle join this file with the <live-chat> element.
import { nodeResolve } from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'

export default [
  {
    input: 'packages/sdk/dist/index.js',
    output: { file: 'packages/sdk/dist/browser/live-chat-sdk.min.js', format: 'es', sourcemap: true },
    // browser: true picks socket.io-client's browser build (no Node `ws`, no debug).
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser'] }), terser({ format: { comments: false } })],
  },
]

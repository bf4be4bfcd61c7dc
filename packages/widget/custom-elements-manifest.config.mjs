// custom-elements.json (`npm run manifest`): see scripts/custom-elements.mjs. The CDN entries
// (loader, cdn) register the same element and are not part of the npm API.
import { config } from '../../scripts/custom-elements.mjs'

export default config({ exclude: ['src/loader.ts', 'src/cdn.ts'] })

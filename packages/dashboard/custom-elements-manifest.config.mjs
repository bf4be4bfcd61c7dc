// custom-elements.json (`npm run manifest`): see scripts/custom-elements.mjs. app.ts is the
// served page's script, not part of the npm API.
import { config } from '../../scripts/custom-elements.mjs'

export default config({ exclude: ['src/app.ts'] })

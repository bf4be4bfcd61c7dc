// The /dashboard page's script (bundled by rollup into public/assets/dashboard.js).
import './index.js'

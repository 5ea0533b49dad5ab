# label: json-logic-js in Node on the JsonLogic rules, rows read with pg (cursor, 10000 a batch)
# Needs `npm install` in test/bench (package.json; node_modules is gitignored).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ -d "$HERE/node_modules/json-logic-js" ] || (cd "$HERE" && npm install --no-audit --no-fund >/dev/null)
node "$HERE/rules.h.js"

#!/bin/sh
# Copy the front-end assets installed by `npm install` into the Go embed tree.
# The vendored files are committed, so `go build` never needs npm.
# Usage (from the repo root): npm install && npm run vendor
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/node_modules"
dst="$root/internal/web/static/vendor"

for f in htmx.org/dist/htmx.min.js htmx.org/LICENSE \
	echarts/dist/echarts.min.js echarts/LICENSE echarts/NOTICE echarts/licenses/LICENSE-d3 \
	zrender/LICENSE; do
	if [ ! -f "$src/$f" ]; then
		echo "vendor-assets: missing $src/$f (run 'npm install' first)" >&2
		exit 1
	fi
done

mkdir -p "$dst"
cp "$src/htmx.org/dist/htmx.min.js"     "$dst/htmx.min.js"
cp "$src/htmx.org/LICENSE"              "$dst/htmx.LICENSE"
cp "$src/echarts/dist/echarts.min.js"   "$dst/echarts.min.js"
cp "$src/echarts/LICENSE"               "$dst/echarts.LICENSE"
# Apache-2.0 NOTICE, plus the licences of code bundled into echarts.min.js.
cp "$src/echarts/NOTICE"                "$dst/echarts.NOTICE"
cp "$src/echarts/licenses/LICENSE-d3"   "$dst/echarts.LICENSE-d3"
cp "$src/zrender/LICENSE"               "$dst/zrender.LICENSE"

htmx_v=$(node -p "require('$src/htmx.org/package.json').version" 2>/dev/null || echo '?')
echarts_v=$(node -p "require('$src/echarts/package.json').version" 2>/dev/null || echo '?')
printf 'htmx.org %s\necharts %s\n' "$htmx_v" "$echarts_v" > "$dst/VERSIONS"
echo "vendor-assets: htmx.org $htmx_v, echarts $echarts_v -> $dst"

#!/usr/bin/env bash
# Starts your own app from this demo: copies it into <dir> (outside the monorepo) with the @kuiper
# packages as the tarballs `npm pack` would publish, installs, builds and tells you how to run it.
#
#   apps/demo/scripts/create-app.sh ~/my-app     then   cd ~/my-app && npm start
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 <new app folder>" >&2; exit 2; fi
demo="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$demo/../.." && pwd)"
mkdir -p "$1"
target="$(cd "$1" && pwd)"
if [ -n "$(ls -A "$target")" ]; then echo "$target is not empty" >&2; exit 1; fi
case "$target/" in "$root"/*) echo "$target is inside the monorepo: pick a folder outside it" >&2; exit 1 ;; esac

# 1. The packages as published: their dist built, packed with `pnpm pack`, which turns the
#    workspace:* dependencies between them into version numbers.
(cd "$root" && npm run --silent build)
mkdir -p "$target/vendor"
for pkg in protocol server client collab; do
  (cd "$root/packages/$pkg" && npx -y pnpm@10.34.9 pack --pack-destination "$target/vendor" >/dev/null)
done

# 2. The app: pages, components and the one-process server; nothing of the monorepo's build.
cp -R "$demo/app" "$demo/components" "$demo/server" "$demo/next.config.ts" "$demo/tsconfig.json" "$demo/README.md" "$target/"
mkdir -p "$target/scripts" && cp "$demo/scripts/post-note.ts" "$target/scripts/"
printf 'node_modules/\n.next/\n.kuiper-data/\nnext-env.d.ts\n*.tsbuildinfo\n' > "$target/.gitignore"

# 3. Its package.json: the tarballs by file path (overrides make the packages' dependencies on each
#    other use them too), the rest from npm at the versions the monorepo uses.
node --input-type=module - "$target" "$root" <<'JS'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
const [target, root] = process.argv.slice(2);
const json = (path) => JSON.parse(readFileSync(path, 'utf8'));
const demo = json(`${root}/apps/demo/package.json`);
const versionIn = (pkg, name) => { const p = json(`${root}/${pkg}/package.json`); return p.dependencies?.[name] ?? p.devDependencies?.[name]; };
const tarballs = Object.fromEntries(readdirSync(`${target}/vendor`).map((file) => [`@kuiper/${file.replace(/^kuiper-/, '').replace(/-\d.*$/, '')}`, `file:./vendor/${file}`]));
const pkg = {
  name: target.split('/').pop().toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
  version: '0.1.0',
  private: true,
  type: 'module',
  scripts: {
    build: 'next build',
    start: 'NODE_ENV=production node --import tsx server/main.ts',
    dev: 'NODE_ENV=development node --import tsx server/main.ts',
  },
  dependencies: {
    ...tarballs,
    next: demo.dependencies.next,
    react: demo.dependencies.react,
    'react-dom': demo.dependencies['react-dom'],
    ioredis: versionIn('packages/server', 'ioredis'),
    tsx: versionIn('.', 'tsx'),
    yjs: demo.dependencies.yjs,
  },
  devDependencies: {
    typescript: versionIn('.', 'typescript'),
    '@types/node': versionIn('.', '@types/node'),
    // The packages' "types" condition points at their TypeScript sources, which import `ws`.
    '@types/ws': versionIn('.', '@types/ws'),
    '@types/react': demo.devDependencies['@types/react'],
    '@types/react-dom': demo.devDependencies['@types/react-dom'],
  },
  overrides: tarballs,
};
writeFileSync(`${target}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
JS

# 4. Install and build; `npm start` then serves it on http://127.0.0.1:3000.
(cd "$target" && npm install --no-audit --no-fund && npm run build)
echo "Created $target — run: cd $target && npm start"

#!/usr/bin/env bash
# Thin alias of `tasks.ts new-service` (seed task 0-10: ./scripts/create-service.sh).
#   scripts/create-service.sh NAME [--description TEXT] [--dir DIR]
# With no arguments on a terminal it asks for the name and description, as the seed's script did.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PATH="$("$root/scripts/ensure-node.sh"):$PATH"
if [ $# -eq 0 ] && [ -t 0 ]; then
  read -r -p "Service name (e.g. market-data): " name
  read -r -p "Description: " description
  set -- "$name" --description "$description"
fi
# No cd: a relative --dir means relative to where the user stands; the default is the repo's services/.
exec "$root/node_modules/.bin/tsx" "$root/tasks.ts" new-service "$@"

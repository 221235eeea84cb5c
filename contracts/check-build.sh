#!/usr/bin/env bash
# Recompiles the contracts with the pinned solc and fails if the committed ABI, bytecode or
# build-info differ from what the sources give (CI runs this before mvn verify).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

npm ci --no-audit --no-fund
node compile.js
output=src/main/resources/io/cairn/contracts
untracked=$(git ls-files --others --exclude-standard -- "$output")
if [ -n "$untracked" ]; then
  echo "check-build.sh: compile.js wrote files that are not committed:" >&2
  echo "$untracked" >&2
  exit 1
fi
if ! git diff --exit-code -- "$output"; then
  echo "check-build.sh: the committed contract output does not match the Solidity sources;" \
    "run 'mvn -Psolc -pl contracts generate-resources' and commit the result" >&2
  exit 1
fi

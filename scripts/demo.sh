#!/usr/bin/env bash
# The main job on the bundled example: check the seed gateway, build it into ./out, lint what was
# built, and ask what Postfix would answer to a relay attempt from an outsider.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The installed build: the Swift runtime and libstdc++ linked in, so each run skips loading and
# binding them (README, "Install").
bin=$(bash scripts/release-build.sh)
example=examples/seed-gateway.conf

echo "== gatewayctl check $example"
$bin check "$example"
echo "ok: no findings"

echo "== gatewayctl build $example --out out"
$bin build "$example" --out out

echo "== gatewayctl lint out/usr/local/etc/postfix"
$bin lint out/usr/local/etc/postfix
echo "ok: no findings"

echo "== gatewayctl simulate: an outsider tries to relay to a foreign domain"
status=0
$bin simulate "$example" --client-address 198.51.100.7 --client-name mx.example.net \
  --helo mx.example.net --from someone@example.net --to victim@example.org || status=$?
[ "$status" -eq 1 ] || { echo "expected the relay attempt to be rejected (exit 1), got $status" >&2; exit 1; }
echo "ok: relay attempt rejected"

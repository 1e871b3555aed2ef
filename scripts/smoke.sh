#!/usr/bin/env bash
# Smoke test of a deployed environment, run after `azd up`:
#   1. GET  /api/healthz answers 200;
#   2. POST /api/events one customer.registered event for a throw-away customer (messages go to the
#      sandbox channel: infra routes no channel to a real provider);
#   3. reads the event back through GET /api/customers/{id}/events until it is there (deadline, not sleeps).
# Keys come from the environment's Key Vault (development environments grant the signed-in developer
# Key Vault Secrets User), or from PRIVATEFLOWS_PRODUCER_KEY / PRIVATEFLOWS_OPS_KEY when set.
# Exit code 0 = all three passed.
set -euo pipefail

deadline_seconds="${SMOKE_DEADLINE_SECONDS:-180}"

api="${API_BASE_URL:-$(azd env get-value API_BASE_URL)}"
api="${api%/}"

secret() {
  local vault
  vault="${KEY_VAULT_NAME:-$(azd env get-value KEY_VAULT_NAME)}"
  az keyvault secret show --vault-name "$vault" --name "$1" --query value -o tsv
}

producer_key="${PRIVATEFLOWS_PRODUCER_KEY:-$(secret producer-api-key)}"
ops_key="${PRIVATEFLOWS_OPS_KEY:-$(secret ops-api-key)}"

fail() {
  echo "smoke: FAIL: $*" >&2
  exit 1
}

# Flex Consumption may start from zero instances: retry the health check until the deadline.
echo "smoke: GET $api/healthz"
start=$SECONDS
until status=$(curl -sS -o /dev/null -w '%{http_code}' "$api/healthz") && [ "$status" = "200" ]; do
  if (( SECONDS - start > deadline_seconds )); then
    fail "/api/healthz answered ${status:-nothing} for ${deadline_seconds}s"
  fi
  sleep 5
done
echo "smoke: healthz 200"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
customer="smoke-$stamp-$RANDOM"
event_id="evt-$customer"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
event=$(cat <<JSON
{"specversion":"1.0","id":"$event_id","type":"customer.registered","source":"privateflows-smoke","subject":"$customer","time":"$now",
 "data":{"name":"Smoke Test","locale":"en","timeZone":"UTC","channels":{"email":{"address":"$customer@example.invalid","consent":true}},"tags":["smoke"]}}
JSON
)

echo "smoke: POST $api/events ($event_id for $customer)"
status=$(curl -sS -o /tmp/privateflows-smoke-post.json -w '%{http_code}' -X POST "$api/events" \
  -H "X-Api-Key: $producer_key" -H 'Content-Type: application/cloudevents+json' --data "$event")
case "$status" in
  200 | 201 | 202) echo "smoke: event accepted ($status)" ;;
  *) fail "POST /api/events answered $status: $(cat /tmp/privateflows-smoke-post.json)" ;;
esac

echo "smoke: reading $event_id back from $api/customers/$customer/events"
start=$SECONDS
while true; do
  body=$(curl -sS -H "X-Api-Key: $ops_key" "$api/customers/$customer/events" || true)
  if grep -q "\"$event_id\"" <<<"$body"; then
    break
  fi
  if (( SECONDS - start > deadline_seconds )); then
    fail "event $event_id not readable after ${deadline_seconds}s; last answer: $body"
  fi
  sleep 3
done

echo "smoke: PASS ($event_id read back; messages, if any, went to the sandbox channel)"

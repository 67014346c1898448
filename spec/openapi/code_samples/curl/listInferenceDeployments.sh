# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
# Production answers 204 with no body (where the contract says 200 and []) to an account without deployments.
curl -sS --fail-with-body "${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}/sg_inf/list" \
  -H "Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?export SCALEGEN_ACCESS_TOKEN first}"

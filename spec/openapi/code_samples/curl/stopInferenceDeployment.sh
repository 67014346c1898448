# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
# Scales to zero workers: no GPU is billed, settings and id are kept.
curl -sS --fail-with-body "${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}/sg_inf/${SCALEGEN_DEPLOYMENT_ID:?export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)}/scale/zero?force=false" \
  -X POST \
  -H "Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?export SCALEGEN_ACCESS_TOKEN first}"

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
# Only an INACTIVE deployment can be started; any other status answers 409.
curl -sS --fail-with-body "${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}/sg_inf/${SCALEGEN_DEPLOYMENT_ID:?export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)}/scale/up" \
  -X POST \
  -H "Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?export SCALEGEN_ACCESS_TOKEN first}"

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
# force=true tears down at once, without draining in-flight requests.
curl -sS --fail-with-body "${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}/sg_inf/${SCALEGEN_DEPLOYMENT_ID:?export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)}?force=false" \
  -X DELETE \
  -H "Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?export SCALEGEN_ACCESS_TOKEN first}"

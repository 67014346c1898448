# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
# In production this starts paid GPUs: do not retry a create whose outcome you do not know (list first).
response=$(curl -sS --fail-with-body "${SCALEGEN_BASE_URL:?export SCALEGEN_BASE_URL first}/sg_inf/create" \
  -X POST \
  -H "Authorization: Bearer ${SCALEGEN_ACCESS_TOKEN:?export SCALEGEN_ACCESS_TOKEN first}" \
  -H 'Content-Type: application/json' \
  --data-binary @- <<'JSON'
{
  "name": "llama-70b-dep",
  "model": "meta-llama/Llama-3.1-70B-Instruct",
  "inf_type": "llm",
  "initial_worker_config": {
    "min_workers": 0,
    "max_workers": 4,
    "initial_workers_gpu": "A100_80GB",
    "initial_workers_gpu_num": 4
  },
  "autoscaling_config": {
    "scale_to_zero": true,
    "scale_to_zero_timeout_sec": 7200
  },
  "controller_cloud_config": {
    "cloud_provider": "SCALEGENAI",
    "region": "US"
  }
}
JSON
)
echo "$response"
# The other samples read the new deployment's id from SCALEGEN_DEPLOYMENT_ID.
export SCALEGEN_DEPLOYMENT_ID=$(echo "$response" | sed -nE 's/.*"inf_id": *"([^"]+)".*/\1/p')

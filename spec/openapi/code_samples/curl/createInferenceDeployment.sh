curl https://prod-api.scalegen.ai/sg_inf/create \
  -X POST \
  -H "Authorization: Bearer $SCALEGEN_ACCESS_TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{
    "name": "llama-3-8b",
    "model": "meta-llama/Meta-Llama-3-8B-Instruct",
    "inf_type": "llm",
    "initial_worker_config": {
      "min_workers": 0,
      "max_workers": 2,
      "initial_workers_gpu": "A100_80GB",
      "initial_workers_gpu_num": 1
    },
    "autoscaling_config": {
      "scale_to_zero": true,
      "scale_to_zero_timeout_sec": 1800
    },
    "controller_cloud_config": {
      "cloud_provider": "SCALEGENAI",
      "region": "US"
    }
  }'

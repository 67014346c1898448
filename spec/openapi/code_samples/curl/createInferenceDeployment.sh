curl https://prod-api.scalegen.ai/sg_inf/create \
  -X POST \
  -H "Authorization: Bearer $SCALEGEN_ACCESS_TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{
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
  }'

import json
import os
import urllib.request

deployment = {
    "name": "llama-70b-dep",
    "model": "meta-llama/Llama-3.1-70B-Instruct",
    "inf_type": "llm",
    "initial_worker_config": {
        "min_workers": 0,
        "max_workers": 4,
        "initial_workers_gpu": "A100_80GB",
        "initial_workers_gpu_num": 4,
    },
    "autoscaling_config": {"scale_to_zero": True, "scale_to_zero_timeout_sec": 7200},
    "controller_cloud_config": {"cloud_provider": "SCALEGENAI", "region": "US"},
}
request = urllib.request.Request(
    "https://prod-api.scalegen.ai/sg_inf/create",
    method="POST",
    data=json.dumps(deployment).encode(),
    headers={
        "Authorization": f"Bearer {os.environ['SCALEGEN_ACCESS_TOKEN']}",
        "Content-Type": "application/json",
    },
)
# Creating starts paid GPUs: do not retry a create whose outcome you do not know (list first).
with urllib.request.urlopen(request, timeout=30) as response:
    body = json.load(response)
print(json.dumps(body, indent=2))  # {"success": true, "message": {"inf_id": "..."}}

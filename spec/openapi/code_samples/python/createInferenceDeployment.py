import json
import os
import sys
import urllib.request

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
base_url = os.environ.get("SCALEGEN_BASE_URL") or sys.exit("export SCALEGEN_BASE_URL first")
token = os.environ.get("SCALEGEN_ACCESS_TOKEN") or sys.exit("export SCALEGEN_ACCESS_TOKEN first")

deployment = {
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
        "scale_to_zero": True,
        "scale_to_zero_timeout_sec": 7200
    },
    "controller_cloud_config": {
        "cloud_provider": "SCALEGENAI",
        "region": "US"
    }
}
request = urllib.request.Request(
    f"{base_url}/sg_inf/create",
    method="POST",
    data=json.dumps(deployment).encode(),
    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
)
# In production this starts paid GPUs: do not retry a create whose outcome you do not know (list first).
with urllib.request.urlopen(request, timeout=30) as response:
    body = json.load(response)
print(json.dumps(body, indent=2))  # {"success": true, "message": {"inf_id": "..."}}
# The other samples read the new deployment's id from SCALEGEN_DEPLOYMENT_ID:
print(f"export SCALEGEN_DEPLOYMENT_ID={body['message']['inf_id']}")

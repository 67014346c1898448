import json
import os
import sys
import urllib.request

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
base_url = os.environ.get("SCALEGEN_BASE_URL") or sys.exit("export SCALEGEN_BASE_URL first")
token = os.environ.get("SCALEGEN_ACCESS_TOKEN") or sys.exit("export SCALEGEN_ACCESS_TOKEN first")

request = urllib.request.Request(
    f"{base_url}/sg_inf/list",
    method="GET",
    headers={"Authorization": f"Bearer {token}"},
)
with urllib.request.urlopen(request, timeout=30) as response:
    raw = response.read()
# Production answers 204 with no body (not 200 and []) to an account without deployments,
# and the list itself without the {"success", "message"} envelope.
body = json.loads(raw) if raw else []
deployments = body["message"] if isinstance(body, dict) else body
print(json.dumps(deployments, indent=2))

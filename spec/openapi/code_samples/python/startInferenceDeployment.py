import json
import os
import sys
import urllib.request

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
base_url = os.environ.get("SCALEGEN_BASE_URL") or sys.exit("export SCALEGEN_BASE_URL first")
token = os.environ.get("SCALEGEN_ACCESS_TOKEN") or sys.exit("export SCALEGEN_ACCESS_TOKEN first")
inf_id = os.environ.get("SCALEGEN_DEPLOYMENT_ID") or sys.exit("export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)")

request = urllib.request.Request(
    f"{base_url}/sg_inf/{inf_id}/scale/up",
    method="POST",
    headers={"Authorization": f"Bearer {token}"},
)
# Only an INACTIVE deployment can be started; any other status answers 409.
with urllib.request.urlopen(request, timeout=30) as response:
    body = json.load(response)
print(json.dumps(body, indent=2))

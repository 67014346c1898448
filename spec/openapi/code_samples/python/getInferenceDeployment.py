import json
import os
import sys
import urllib.error
import urllib.request

# export SCALEGEN_BASE_URL=http://127.0.0.1:4010 for the sandbox (no GPUs, no costs), https://prod-api.scalegen.ai for production
base_url = os.environ.get("SCALEGEN_BASE_URL") or sys.exit("export SCALEGEN_BASE_URL first")
token = os.environ.get("SCALEGEN_ACCESS_TOKEN") or sys.exit("export SCALEGEN_ACCESS_TOKEN first")
inf_id = os.environ.get("SCALEGEN_DEPLOYMENT_ID") or sys.exit("export SCALEGEN_DEPLOYMENT_ID (the inf_id create returned)")

request = urllib.request.Request(
    f"{base_url}/sg_inf/{inf_id}",
    method="GET",
    headers={"Authorization": f"Bearer {token}"},
)
try:
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
except urllib.error.HTTPError as error:
    if error.code != 404:  # not found, or not yours
        raise
    raw = b""
# Production answers 204 with no body (not 404) for an id that does not exist,
# and the deployment itself without the {"success", "message"} envelope.
if not raw:
    sys.exit(f"No deployment {inf_id}")
body = json.loads(raw)
deployment = body["message"] if "success" in body else body
print(json.dumps(deployment, indent=2))

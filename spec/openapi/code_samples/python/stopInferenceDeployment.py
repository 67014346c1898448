import json
import os
import urllib.request

request = urllib.request.Request(
    "https://prod-api.scalegen.ai/sg_inf/3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41/scale/zero?force=false",
    method="POST",
    headers={"Authorization": f"Bearer {os.environ['SCALEGEN_ACCESS_TOKEN']}"},
)
# Scales to zero workers: no GPU is billed, settings and id are kept.
with urllib.request.urlopen(request, timeout=30) as response:
    body = json.load(response)
print(json.dumps(body, indent=2))

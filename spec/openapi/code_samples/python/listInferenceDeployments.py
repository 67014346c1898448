import json
import os
import urllib.request

request = urllib.request.Request(
    "https://prod-api.scalegen.ai/sg_inf/list",
    method="GET",
    headers={"Authorization": f"Bearer {os.environ['SCALEGEN_ACCESS_TOKEN']}"},
)
with urllib.request.urlopen(request, timeout=30) as response:
    body = json.load(response)
print(json.dumps(body, indent=2))

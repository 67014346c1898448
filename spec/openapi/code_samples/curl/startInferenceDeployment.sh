curl https://prod-api.scalegen.ai/sg_inf/3f6c1c2e-6b1a-4a53-9d59-5d2f0c8b7a41/scale/up \
  -X POST \
  -H "Authorization: Bearer $SCALEGEN_ACCESS_TOKEN"

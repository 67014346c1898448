curl https://prod-api.scalegen.ai/sg_inf/list \
  -H "Authorization: Bearer $SCALEGEN_ACCESS_TOKEN"

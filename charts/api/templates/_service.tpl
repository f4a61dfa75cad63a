{{/* What the api adds to the library's templates (see charts/pickey-lib). */}}
{{- define "api.config" -}}
{{- end -}}

{{- define "api.volumes" -}}
{{- end -}}

{{- define "api.volumeMounts" -}}
{{- end -}}

{{/*
The outbox is written by every service and swept by every worker; the api's rules carry the
alert once for the platform.
*/}}
{{- define "api.alerts" -}}
- alert: PickeyOutboxUnfinished
  expr: max(pickey_outbox_unfinished) > {{ .Values.metrics.prometheusRule.thresholds.queueDepth }}
  for: 15m
  labels:
    severity: warning
    service: api
  annotations:
    summary: "Outbox rows are not completing (a consumer is down or failing)"
{{- end -}}

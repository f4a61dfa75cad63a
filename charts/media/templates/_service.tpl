{{/* What media adds to the library's templates (see charts/pickey-lib). */}}
{{- define "media.config" -}}
{{- end -}}

{{- define "media.volumes" -}}
{{- end -}}

{{- define "media.volumeMounts" -}}
{{- end -}}

{{/* Webhooks whose signature does not verify: a rotated secret, or someone forging events. */}}
{{- define "media.alerts" -}}
- alert: PickeyWebhookSignatureFailures
  expr: sum(increase(pickey_webhook_signature_failures_total{provider="mux"}[15m])) > {{ .Values.metrics.prometheusRule.thresholds.webhookSignatureFailures }}
  labels:
    severity: warning
    service: media
  annotations:
    summary: "mux webhooks fail signature verification (signing secret rotated?)"
{{- end -}}

{{/* What notifications adds to the library's templates (see charts/pickey-lib). */}}
{{- define "notifications.config" -}}
{{- end -}}

{{- define "notifications.volumes" -}}
{{- end -}}

{{- define "notifications.volumeMounts" -}}
{{- end -}}

{{/* Webhooks whose signature does not verify: a rotated secret, or someone forging events. */}}
{{- define "notifications.alerts" -}}
- alert: PickeyWebhookSignatureFailures
  expr: sum(increase(pickey_webhook_signature_failures_total{provider="mailgun"}[15m])) > {{ .Values.metrics.prometheusRule.thresholds.webhookSignatureFailures }}
  labels:
    severity: warning
    service: notifications
  annotations:
    summary: "mailgun webhooks fail signature verification (signing secret rotated?)"
- alert: PickeyDuplicateSendsPrevented
  expr: sum(increase(pickey_notification_duplicate_sends_prevented_total[15m])) > {{ .Values.metrics.prometheusRule.thresholds.duplicateSendsPrevented }}
  labels:
    severity: warning
    service: notifications
  annotations:
    summary: "The delivery ledger keeps refusing second sends: jobs run more than once (Redis lost data or redelivers?)"
{{- end -}}

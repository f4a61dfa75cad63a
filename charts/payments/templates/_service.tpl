{{/*
What payments adds to the library's templates: the merchant number (a quoted string, checked by
the schema) and the GP webpay keys, mounted read-only as files from an existing Secret and
passed by path (PICKEY_GPWEBPAY__*_FILE), so no key ever passes through Helm values.
*/}}
{{- define "payments.keysDir" -}}/etc/pickey/gpwebpay{{- end -}}

{{- define "payments.config" -}}
PICKEY_GPWEBPAY__MERCHANT_NUMBER: {{ .Values.gpwebpay.merchantNumber | quote }}
PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY_FILE: {{ printf "%s/%s" (include "payments.keysDir" .) .Values.gpwebpay.keysSecret.merchantPrivateKey | quote }}
PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY_FILE: {{ printf "%s/%s" (include "payments.keysDir" .) .Values.gpwebpay.keysSecret.gatewayPublicKey | quote }}
{{- end -}}

{{- define "payments.volumes" -}}
- name: gpwebpay-keys
  secret:
    secretName: {{ .Values.gpwebpay.keysSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ .Values.gpwebpay.keysSecret.merchantPrivateKey }}
        path: {{ .Values.gpwebpay.keysSecret.merchantPrivateKey }}
      - key: {{ .Values.gpwebpay.keysSecret.gatewayPublicKey }}
        path: {{ .Values.gpwebpay.keysSecret.gatewayPublicKey }}
{{- end -}}

{{- define "payments.volumeMounts" -}}
- name: gpwebpay-keys
  mountPath: {{ include "payments.keysDir" . }}
  readOnly: true
{{- end -}}

{{/*
Payment failures, bad gateway-return signatures and payment anomalies. The metric names are fixed here; the
payments code exports them (pickey_core.observability.metrics).
*/}}
{{- define "payments.alerts" -}}
{{- $thresholds := .Values.metrics.prometheusRule.thresholds -}}
- alert: PickeyPaymentFailureRate
  expr: |
    sum(rate(pickey_payments_settled_total{state="failed"}[30m]))
      / sum(rate(pickey_payments_settled_total[30m]))
      > {{ $thresholds.paymentFailureRatio }}
  for: 15m
  labels:
    severity: critical
    service: payments
  annotations:
    summary: {{ printf "More than %v of payments fail (gateway, keys or merchant number?)" $thresholds.paymentFailureRatio | quote }}
- alert: PickeyGatewayReturnSignatureFailures
  expr: sum(increase(pickey_gateway_returns_rejected_total{reason=~"return_not_signed|return_signature_invalid"}[15m])) > {{ $thresholds.webhookSignatureFailures }}
  labels:
    severity: critical
    service: payments
  annotations:
    summary: "GP webpay returns fail signature verification (keys or merchant number changed, or forgeries)"
- alert: PickeyPaymentAnomalies
  expr: sum by (kind) (increase(pickey_payment_anomalies_total[15m])) > 0
  labels:
    severity: warning
    service: payments
  annotations:
    summary: "A payment needs a person: contradictory gateway result, duplicate order number, our field error, configuration error or a double payment to refund"
{{- end -}}

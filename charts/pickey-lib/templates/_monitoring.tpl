{{/*
Scraping (optional, needs the Prometheus operator's CRDs). Web pods through their Service
(ServiceMonitor); workers have no Service, so a PodMonitor scrapes their metrics port.
honorLabels keeps our own `service` label (the service's name) instead of the operator's.
*/}}
{{- define "pickey-lib.monitors" -}}
{{- if .Values.metrics.serviceMonitor.enabled }}
{{- $web := dict "root" . "component" "web" -}}
{{- $worker := dict "root" . "component" "worker" -}}
{{- if .Values.web.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "pickey-lib.componentName" $web }}
  labels:
    {{- include "pickey-lib.labels" $web | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "pickey-lib.selectorLabels" $web | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      honorLabels: true
{{- end }}
{{- if .Values.worker.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: {{ include "pickey-lib.componentName" $worker }}
  labels:
    {{- include "pickey-lib.labels" $worker | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "pickey-lib.selectorLabels" $worker | nindent 6 }}
  podMetricsEndpoints:
    - port: metrics
      path: /metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      honorLabels: true
{{- end }}
{{- end }}
{{- end -}}

{{/*
Alerts every service shares (metric names from pickey_core.observability.metrics), plus the
chart's own ("<chart>.alerts", a list of rules, may be empty).
*/}}
{{- define "pickey-lib.prometheusRule" -}}
{{- if .Values.metrics.prometheusRule.enabled }}
{{- $context := dict "root" . "component" "alerts" -}}
{{- $alerts := .Values.metrics.prometheusRule.thresholds -}}
{{- $service := .Chart.Name -}}
{{- $queue := include "pickey-lib.queue" . -}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "pickey-lib.fullname" . }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
    {{- with .Values.metrics.prometheusRule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: {{ printf "pickey-%s" $service }}
      rules:
        {{- if .Values.web.enabled }}
        - alert: PickeyHttp5xxRate
          expr: |
            sum(rate(pickey_http_request_duration_seconds_count{service="{{ $service }}",status=~"5.."}[5m]))
              / sum(rate(pickey_http_request_duration_seconds_count{service="{{ $service }}"}[5m]))
              > {{ $alerts.http5xxRatio }}
          for: 5m
          labels:
            severity: critical
            service: {{ $service }}
          annotations:
            summary: {{ printf "More than %v of %s requests fail with 5xx" $alerts.http5xxRatio $service | quote }}
        {{- end }}
        {{- if .Values.worker.enabled }}
        - alert: PickeyQueueBacklog
          expr: max(pickey_queue_depth{queue="{{ $queue }}"}) > {{ $alerts.queueDepth }}
          for: 10m
          labels:
            severity: warning
            service: {{ $service }}
          annotations:
            summary: {{ printf "More than %v jobs wait in %s" $alerts.queueDepth $queue | quote }}
        # Only workers export the queue's age: when every worker is dead (the Redis outage of
        # issue 12 stopped all four) the series disappears, and `max(...) > N` alone would say
        # nothing exactly when jobs wait forever; absent() covers it.
        - alert: PickeyQueueOldestJobAge
          expr: |
            max(pickey_queue_oldest_job_age_seconds{queue="{{ $queue }}"}) > {{ $alerts.oldestJobAgeSeconds }}
              or absent(pickey_queue_oldest_job_age_seconds{queue="{{ $queue }}"})
          for: 5m
          labels:
            severity: critical
            service: {{ $service }}
          annotations:
            summary: {{ printf "A job has waited more than %vs in %s, or no worker reports the queue" $alerts.oldestJobAgeSeconds $queue | quote }}
        - alert: PickeyJobFailureRate
          expr: |
            sum(rate(pickey_jobs_total{queue="{{ $queue }}",outcome="failed"}[15m]))
              / sum(rate(pickey_jobs_total{queue="{{ $queue }}"}[15m]))
              > {{ $alerts.jobFailureRatio }}
          for: 15m
          labels:
            severity: warning
            service: {{ $service }}
          annotations:
            summary: {{ printf "More than %v of %s jobs fail for good" $alerts.jobFailureRatio $queue | quote }}
        {{- end }}
        {{- include (printf "%s.alerts" .Chart.Name) . | nindent 8 }}
{{- end }}
{{- end -}}

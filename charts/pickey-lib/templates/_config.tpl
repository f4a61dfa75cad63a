{{/*
Non-secret settings as PICKEY_* environment variables: what the lib sets from typed values,
the chart's own entries (the "<chart>.config" template every service chart defines) and the
free-form `config` map (strings only: the schema refuses numbers, so nothing turns into 1e+09).
The schema keeps the three apart, so no variable has two sources.
*/}}
{{- define "pickey-lib.configData" -}}
{{- $data := dict
  "PICKEY_ENVIRONMENT" .Values.environment
  "PICKEY_HOST" "0.0.0.0"
  "PICKEY_LOG_JSON" "true"
  "PICKEY_PORT" (.Values.web.port | int64 | toString)
  "PICKEY_GRACEFUL_SHUTDOWN_SECONDS" (.Values.web.gracefulShutdownSeconds | int64 | toString)
  "PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS" (.Values.worker.jobCompletionWaitSeconds | int64 | toString)
  "PICKEY_WORKER__METRICS_PORT" (.Values.worker.metricsPort | int64 | toString)
-}}
{{- $chart := include (printf "%s.config" .Chart.Name) . | fromYaml | default dict -}}
{{- $data = merge $data $chart (.Values.config | default dict) -}}
{{- range $key := keys $data | sortAlpha }}
{{ $key }}: {{ get $data $key | toString | quote }}
{{- end }}
{{- end -}}

{{- define "pickey-lib.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "pickey-lib.fullname" . }}
  labels:
    {{- include "pickey-lib.labels" (dict "root" . "component" "config") | nindent 4 }}
data:
  {{- include "pickey-lib.configData" . | indent 2 }}
{{- end -}}

{{/* Pods carry a hash of their configuration, so a changed setting rolls them. */}}
{{- define "pickey-lib.configChecksum" -}}
checksum/config: {{ include "pickey-lib.configData" . | sha256sum }}
{{- end -}}

{{/*
Environment of every container: the ConfigMap, then each secret key by name from the existing
Secret (a missing key stops the pod with CreateContainerConfigError instead of starting it
half-configured). Secret values never pass through Helm.
*/}}
{{- define "pickey-lib.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "pickey-lib.fullname" . }}
env:
  {{- range $key := .Values.secret.keys }}
  - name: {{ $key }}
    valueFrom:
      secretKeyRef:
        name: {{ $.Values.secret.name }}
        key: {{ $key }}
  {{- end }}
  {{- range $key := .Values.secret.optionalKeys }}
  - name: {{ $key }}
    valueFrom:
      secretKeyRef:
        name: {{ $.Values.secret.name }}
        key: {{ $key }}
        optional: true
  {{- end }}
{{- end -}}

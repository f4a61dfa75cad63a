{{/*
The worker Deployment (arq). No Service: nothing calls a worker. On SIGTERM the worker stops
taking jobs and lets running ones finish for PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS; the
pod's grace period is that wait plus a margin for re-queueing what is still running and closing
connections, so Kubernetes never kills a job that was about to finish or be handed back.
*/}}
{{- define "pickey-lib.worker.terminationGracePeriodSeconds" -}}
{{- add (int64 .Values.worker.jobCompletionWaitSeconds) (int64 .Values.worker.shutdownMarginSeconds) -}}
{{- end -}}

{{- define "pickey-lib.worker.deployment" -}}
{{- $context := dict "root" . "component" "worker" -}}
{{- $container := include "pickey-lib.worker.container" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "pickey-lib.componentName" $context }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  {{- if not .Values.worker.keda.enabled }}
  replicas: {{ .Values.worker.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  selector:
    matchLabels:
      {{- include "pickey-lib.selectorLabels" $context | nindent 6 }}
  template:
    {{- include "pickey-lib.podTemplate" (dict "root" . "component" "worker" "container" $container "spread" true "terminationGracePeriodSeconds" (include "pickey-lib.worker.terminationGracePeriodSeconds" .)) | nindent 4 }}
{{- end -}}

{{- define "pickey-lib.worker.container" -}}
args: ["worker"]
ports:
  - name: metrics
    containerPort: {{ .Values.worker.metricsPort }}
    protocol: TCP
{{ include "pickey-lib.workerProbes" . }}
resources:
  {{- toYaml .Values.worker.resources | nindent 2 }}
{{- end -}}

{{/*
Scaling on queue depth (optional, needs KEDA and Prometheus). arq keeps a queue as a Redis
sorted set, which KEDA's redis scaler cannot read (it counts lists), so the trigger is the
pickey_queue_depth gauge every worker exports. Never below one replica: workers also run the
outbox sweeper and the service's cron jobs.
*/}}
{{- define "pickey-lib.worker.scaledObject" -}}
{{- if .Values.worker.keda.enabled }}
{{- $context := dict "root" . "component" "worker" -}}
{{- $keda := .Values.worker.keda -}}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "pickey-lib.componentName" $context }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "pickey-lib.componentName" $context }}
  minReplicaCount: {{ $keda.minReplicas }}
  maxReplicaCount: {{ $keda.maxReplicas }}
  pollingInterval: {{ $keda.pollingIntervalSeconds }}
  cooldownPeriod: {{ $keda.cooldownSeconds }}
  triggers:
    - type: prometheus
      metadata:
        serverAddress: {{ $keda.prometheusServerAddress | quote }}
        query: {{ printf "max(pickey_queue_depth{queue=%q})" (include "pickey-lib.queue" .) | quote }}
        threshold: {{ $keda.jobsPerReplica | toString | quote }}
{{- end }}
{{- end -}}

{{/*
The web Deployment (uvicorn). Zero-downtime rollout: a new pod must be ready before an old one
goes (maxUnavailable 0). On termination the pod first sleeps (preStop) while the endpoint
controllers and the ingress stop sending it traffic, then uvicorn drains in-flight requests for
PICKEY_GRACEFUL_SHUTDOWN_SECONDS; the grace period is derived from both, so it always covers them.
*/}}
{{- define "pickey-lib.web.terminationGracePeriodSeconds" -}}
{{- add (int64 .Values.web.preStopSeconds) (int64 .Values.web.gracefulShutdownSeconds) 10 -}}
{{- end -}}

{{- define "pickey-lib.web.deployment" -}}
{{- $context := dict "root" . "component" "web" -}}
{{- $container := include "pickey-lib.web.container" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "pickey-lib.componentName" $context }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  {{- if not .Values.web.autoscaling.enabled }}
  replicas: {{ .Values.web.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: {{ .Values.web.maxSurge }}
  selector:
    matchLabels:
      {{- include "pickey-lib.selectorLabels" $context | nindent 6 }}
  template:
    {{- include "pickey-lib.podTemplate" (dict "root" . "component" "web" "container" $container "spread" true "terminationGracePeriodSeconds" (include "pickey-lib.web.terminationGracePeriodSeconds" .)) | nindent 4 }}
{{- end -}}

{{- define "pickey-lib.web.container" -}}
args: ["serve"]
ports:
  - name: http
    containerPort: {{ .Values.web.port }}
    protocol: TCP
{{ include "pickey-lib.webProbes" . }}
lifecycle:
  preStop:
    exec:
      command: ["sleep", "{{ .Values.web.preStopSeconds }}"]
resources:
  {{- toYaml .Values.web.resources | nindent 2 }}
{{- end -}}

{{- define "pickey-lib.web.service" -}}
{{- $context := dict "root" . "component" "web" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "pickey-lib.fullname" . }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "pickey-lib.selectorLabels" $context | nindent 4 }}
  ports:
    - name: http
      port: {{ .Values.web.servicePort }}
      targetPort: http
      protocol: TCP
{{- end -}}

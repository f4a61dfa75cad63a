{{/*
Availability: a PodDisruptionBudget per component (node drains and cluster upgrades take at most
one pod at a time) and, for web pods, an HPA on CPU.
*/}}
{{- define "pickey-lib.pdb" -}}
{{- $context := dict "root" .root "component" .component -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "pickey-lib.componentName" $context }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  maxUnavailable: {{ .maxUnavailable }}
  selector:
    matchLabels:
      {{- include "pickey-lib.selectorLabels" $context | nindent 6 }}
{{- end -}}

{{- define "pickey-lib.web.hpa" -}}
{{- if .Values.web.autoscaling.enabled }}
{{- $context := dict "root" . "component" "web" -}}
{{- $autoscaling := .Values.web.autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "pickey-lib.componentName" $context }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "pickey-lib.componentName" $context }}
  minReplicas: {{ $autoscaling.minReplicas }}
  maxReplicas: {{ $autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $autoscaling.targetCPUUtilizationPercentage }}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
{{- end }}
{{- end -}}

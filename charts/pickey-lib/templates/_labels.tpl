{{/* Labels on every object: (dict "root" $ "component" "web"). */}}
{{- define "pickey-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: pickey
{{- $tag := "" }}
{{- with .root.Values.image }}{{ $tag = .tag }}{{ end }}
app.kubernetes.io/version: {{ $tag | default .root.Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
{{ include "pickey-lib.selectorLabels" . }}
{{- end -}}

{{/* The labels a selector matches: immutable on Deployments, so nothing that changes. */}}
{{- define "pickey-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pickey-lib.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

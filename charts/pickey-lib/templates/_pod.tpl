{{/*
The pod template shared by web pods, worker pods and one-off jobs:
(dict "root" $ "component" "web" "container" <container fields as YAML> "terminationGracePeriodSeconds" N)
The service chart adds its own volumes through "<chart>.volumes" / "<chart>.volumeMounts".
*/}}
{{- define "pickey-lib.podTemplate" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "pickey-lib.labels" . | nindent 4 }}
  annotations:
    {{- include "pickey-lib.configChecksum" $root | nindent 4 }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- with .terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ . }}
  {{- end }}
  {{- with .restartPolicy }}
  restartPolicy: {{ . }}
  {{- end }}
  securityContext:
    {{- include "pickey-lib.podSecurityContext" (dict) | nindent 4 }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  {{- if .spread }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: kubernetes.io/hostname
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "pickey-lib.selectorLabels" . | nindent 10 }}
  {{- end }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "pickey-lib.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      {{- .container | nindent 6 }}
      {{- include "pickey-lib.env" $root | nindent 6 }}
      securityContext:
        {{- include "pickey-lib.containerSecurityContext" (dict) | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- include (printf "%s.volumeMounts" $root.Chart.Name) $root | nindent 8 }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.tmpSizeLimit }}
    {{- include (printf "%s.volumes" $root.Chart.Name) $root | nindent 4 }}
{{- end -}}

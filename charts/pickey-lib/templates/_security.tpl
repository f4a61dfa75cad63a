{{/*
Security contexts. The images run as uid/gid 10001 (see infra/images/Dockerfile); the root filesystem
is read-only (Python writes no bytecode: PYTHONDONTWRITEBYTECODE) and /tmp is an emptyDir.
*/}}
{{- define "pickey-lib.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 10001 }}
runAsGroup: {{ .uid | default 10001 }}
fsGroup: {{ .uid | default 10001 }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "pickey-lib.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

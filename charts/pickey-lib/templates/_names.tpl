{{/*
Names. A release called like its chart ("api" installing charts/api) is not repeated
("api", not "api-api"); every name stays within the 63 characters Kubernetes allows.
*/}}
{{- define "pickey-lib.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pickey-lib.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component (web, worker, migrations...): (dict "root" $ "component" "web") */}}
{{- define "pickey-lib.componentName" -}}
{{- printf "%s-%s" (include "pickey-lib.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The service's command in its image (IMAGE_COMMAND of infra/images/Dockerfile). */}}
{{- define "pickey-lib.command" -}}
{{- printf "pickey-%s" .Chart.Name -}}
{{- end -}}

{{/* The arq queue this service consumes (pickey_core.queue.contracts.Queue). */}}
{{- define "pickey-lib.queue" -}}
{{- printf "pickey:queue:%s" .Chart.Name -}}
{{- end -}}

{{- define "pickey-lib.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/*
Routing. The platform has one public host; each service chart owns an Ingress for its own paths
on that host (ingress controllers merge the rules of every Ingress of a host). Installing,
upgrading or removing one service therefore changes only its own routes, and no chart needs to
know another chart's Service names. Health and metrics endpoints are never routed.
*/}}
{{- define "pickey-lib.ingress" -}}
{{- if .Values.ingress.enabled }}
{{- $context := dict "root" . "component" "web" -}}
{{- $ingress := .Values.ingress -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "pickey-lib.fullname" . }}
  labels:
    {{- include "pickey-lib.labels" $context | nindent 4 }}
  {{- with $ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $ingress.tlsSecretName }}
  tls:
    - hosts: [{{ $ingress.host | quote }}]
      secretName: {{ . }}
  {{- end }}
  rules:
    - host: {{ $ingress.host | quote }}
      http:
        paths:
          {{- range $ingress.paths }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ include "pickey-lib.fullname" $ }}
                port:
                  name: http
          {{- end }}
{{- end }}
{{- end -}}

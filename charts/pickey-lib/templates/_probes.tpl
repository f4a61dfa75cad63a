{{/*
Web probes. Liveness asks only "does the process answer" (/livez touches nothing): a database
outage must not restart every pod. Readiness (/readyz: database and Redis) takes a pod out of
the Service while it cannot serve. The startup probe gives a slow start its own budget so the
liveness probe can stay strict.
*/}}
{{- define "pickey-lib.webProbes" -}}
startupProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: 2
  timeoutSeconds: 2
  failureThreshold: {{ div (int64 .Values.web.startupSeconds) 2 | max 1 }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 2
livenessProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/*
Worker probes: `worker --check` reads the health key this very worker (this pod's host name)
refreshes every PICKEY_WORKER__HEALTH_CHECK_INTERVAL_SECONDS from its job loop, so a worker
whose loop is stuck is restarted, while other workers of the queue do not mask it.
*/}}
{{- define "pickey-lib.workerProbes" -}}
{{- $check := list (include "pickey-lib.command" .) "worker" "--check" -}}
startupProbe:
  exec:
    command: {{ toJson $check }}
  periodSeconds: 5
  timeoutSeconds: 10
  failureThreshold: {{ div (int64 .Values.worker.startupSeconds) 5 | max 1 }}
livenessProbe:
  exec:
    command: {{ toJson $check }}
  periodSeconds: 30
  timeoutSeconds: 10
  failureThreshold: 3
{{- end -}}

{{- define "pickey-data.redisName" -}}
{{- include "pickey-lib.componentName" (dict "root" . "component" "redis") -}}
{{- end -}}

{{/* The sizing rule (values.yaml, README): volume >= 4 x maxmemory. */}}
{{- define "pickey-data.checkSizing" -}}
{{- $needMi := mul 4 (int64 .Values.redis.maxmemoryMi) -}}
{{- $haveMi := mul 1024 (int64 .Values.redis.persistence.sizeGi) -}}
{{- if lt $haveMi $needMi -}}
{{- fail (printf "redis.persistence.sizeGi=%d is too small: the volume must hold 4 x maxmemory (%d Mi), so at least %d Gi" (int64 .Values.redis.persistence.sizeGi) $needMi (div (add $needMi 1023) 1024)) -}}
{{- end -}}
{{- end -}}

{{- define "pickey-data.redisMemory" -}}
{{- printf "%dMi" (mul 2 (int64 .Values.redis.maxmemoryMi)) -}}
{{- end -}}

{{- define "pickey-data.redisConf" -}}
port 6379
dir /data
protected-mode no
# Queues must survive restarts: append-only file, fsynced every second, with RDB snapshots too.
appendonly yes
appendfsync {{ .Values.redis.appendfsync }}
aof-use-rdb-preamble yes
auto-aof-rewrite-percentage 100
auto-aof-rewrite-min-size 64mb
save 3600 1 300 100 60 10000
stop-writes-on-bgsave-error yes
# Never evict: a full Redis must refuse writes, not drop queued jobs or sessions.
maxmemory {{ .Values.redis.maxmemoryMi }}mb
maxmemory-policy noeviction
{{- end -}}

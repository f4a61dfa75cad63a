# The dev (and build) cluster: staging-like, small. Secrets are not here: TF_VAR_provider_secrets.
environment               = "dev"
pickey_environment        = "staging"
region                    = "fra1"
vpc_ip_range              = "10.110.0.0/20"
kubernetes_version_prefix = "1.33."
kubernetes_ha             = false
node_size                 = "s-2vcpu-4gb"
min_nodes                 = 2
max_nodes                 = 3
# 1 CPU / 1 GB: 22 usable connections; 15 pooled, the rest for the backup and doadmin.
postgres_size       = "db-s-1vcpu-1gb"
postgres_node_count = 1
postgres_pool_size  = 15
# Dev tries the managed service (RDB only, no AOF: the outbox re-pushes lost jobs).
queue_redis                 = "managed"
valkey_size                 = "db-s-1vcpu-1gb"
hostnames                   = ["dev.pickey.cz"]
manage_zone_settings        = false
uploads_bucket              = "pickey-dev"
backups_bucket              = "pickey-dev-backups"
backup_keep_days            = 7
ingress_nginx_chart_version = "4.14.1"

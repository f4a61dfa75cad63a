# The prod cluster. Secrets are not here: TF_VAR_provider_secrets.
environment               = "prod"
pickey_environment        = "production"
region                    = "fra1"
vpc_ip_range              = "10.120.0.0/20"
kubernetes_version_prefix = "1.33."
kubernetes_ha             = true
node_size                 = "s-4vcpu-8gb"
min_nodes                 = 2
max_nodes                 = 4
# 1 CPU / 2 GB: 47 usable connections; 35 pooled, the rest for the backup and doadmin.
postgres_size       = "db-s-1vcpu-2gb"
postgres_node_count = 1
postgres_pool_size  = 35
# Queues and sessions on pickey-data's Redis: AOF fsynced every second (DESIGN.md, lesson 6).
queue_redis                 = "in-cluster"
hostnames                   = ["pickey.cz"]
manage_zone_settings        = true
uploads_bucket              = "pickey-prod"
backups_bucket              = "pickey-prod-backups"
backup_keep_days            = 30
ingress_nginx_chart_version = "4.14.1"

variable "environment" {
  description = "dev or prod: names every resource and picks the GitOps folder."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "pickey_environment" {
  description = "PICKEY_ENVIRONMENT of the services (staging on the dev cluster, production)."
  type        = string
}

variable "region" {
  description = "DigitalOcean region of everything (Frankfurt: closest to Czech users)."
  type        = string
  default     = "fra1"
}

variable "vpc_ip_range" {
  description = "Private range of the environment's VPC."
  type        = string
}

variable "kubernetes_version_prefix" {
  description = "Kubernetes minor version, e.g. \"1.33.\"."
  type        = string
}

variable "kubernetes_ha" {
  description = "Highly available control plane."
  type        = bool
  default     = false
}

variable "node_size" {
  description = "Worker Droplet size."
  type        = string
}

variable "min_nodes" {
  description = "Autoscaling lower bound."
  type        = number
}

variable "max_nodes" {
  description = "Autoscaling upper bound."
  type        = number
}

variable "postgres_size" {
  description = "Managed PostgreSQL size slug."
  type        = string
}

variable "postgres_node_count" {
  description = "PostgreSQL nodes (2 = a standby for failover)."
  type        = number
  default     = 1
}

variable "postgres_pool_size" {
  description = "PgBouncer pool size (server connections)."
  type        = number
}

variable "queue_redis" {
  description = "\"in-cluster\": pickey-data's Redis (AOF) carries queues and sessions; \"managed\": a DigitalOcean Valkey cluster is created and used."
  type        = string
}

variable "valkey_size" {
  description = "Size slug of the managed Valkey cluster (queue_redis = \"managed\")."
  type        = string
  default     = "db-s-1vcpu-1gb"
}

variable "hostnames" {
  description = "Public host names; the first is the platform's host (ingress.host, the SPA's origin)."
  type        = list(string)
}

variable "cloudflare_zone_id" {
  description = "Cloudflare zone ID of the domain."
  type        = string
}

variable "manage_zone_settings" {
  description = "This environment owns the zone-wide Cloudflare settings (prod only: the zone is shared)."
  type        = bool
}

variable "uploads_bucket" {
  description = "Uploads bucket name (globally unique in the region)."
  type        = string
}

variable "backups_bucket" {
  description = "Backups bucket name."
  type        = string
}

variable "backup_keep_days" {
  description = "Days a database dump is kept."
  type        = number
}

variable "ingress_nginx_chart_version" {
  description = "ingress-nginx Helm chart version."
  type        = string
}

variable "provider_secrets" {
  description = "Third-party credentials: set as the masked GitLab CI variable TF_VAR_provider_secrets (an HCL/JSON object)."
  type = object({
    mux_token_id                  = string
    mux_token_secret              = string
    mux_signing_key_id            = string
    mux_signing_private_key       = string
    pusher_secret                 = string
    mailgun_api_key               = string
    mailgun_webhook_signing_key   = string
    mux_webhook_secrets           = string
    gpwebpay_merchant_private_key = string
    gpwebpay_gateway_public_key   = string
  })
  sensitive = true
}

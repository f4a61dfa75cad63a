variable "namespace" {
  description = "Namespace the charts are installed in."
  type        = string
  default     = "pickey"
}

variable "pickey_environment" {
  description = "PICKEY_ENVIRONMENT of the services: staging (dev cluster) or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.pickey_environment)
    error_message = "pickey_environment must be staging or production."
  }
}

variable "host" {
  description = "The platform's public host (the charts' ingress.host)."
  type        = string
}

variable "origin_tls_secret" {
  description = "Name of the TLS Secret the Ingresses present to Cloudflare."
  type        = string
  default     = "pickey-origin-tls"
}

variable "origin_certificate_pem" {
  description = "Cloudflare Origin CA certificate of the hosts."
  type        = string
}

variable "origin_private_key_pem" {
  description = "Its private key."
  type        = string
  sensitive   = true
}

variable "database_url" {
  description = "PICKEY_DATABASE_URL of the services (through the connection pool)."
  type        = string
  sensitive   = true
}

variable "backup_database_url" {
  description = "PICKEY_DATABASE_URL of the backup job (direct to the primary)."
  type        = string
  sensitive   = true
}

variable "queue_redis" {
  description = "Which Redis the services use: \"in-cluster\" (pickey-data's, AOF) or \"managed\" (DigitalOcean Valkey)."
  type        = string

  validation {
    condition     = contains(["in-cluster", "managed"], var.queue_redis)
    error_message = "queue_redis must be in-cluster or managed."
  }
}

variable "managed_redis_url" {
  description = "URL of the managed Valkey cluster (used when queue_redis = \"managed\"; null: none)."
  type        = string
  sensitive   = true
  default     = ""
}

variable "s3_endpoint_url" {
  description = "Spaces endpoint of the region."
  type        = string
}

variable "s3_region" {
  description = "Spaces region."
  type        = string
}

variable "uploads_bucket" {
  description = "Uploads bucket."
  type        = string
}

variable "backups_bucket" {
  description = "Backups bucket."
  type        = string
}

variable "backup_keep_days" {
  description = "PICKEY_BACKUP__KEEP_DAYS (the backups bucket's lifecycle uses the same number)."
  type        = number
}

variable "storage_access_key_id" {
  description = "Spaces key of the uploads bucket."
  type        = string
  sensitive   = true
}

variable "storage_secret_access_key" {
  description = "Its secret."
  type        = string
  sensitive   = true
}

variable "backup_access_key_id" {
  description = "Spaces key of the backups bucket."
  type        = string
  sensitive   = true
}

variable "backup_secret_access_key" {
  description = "Its secret."
  type        = string
  sensitive   = true
}

variable "provider_secrets" {
  description = "Credentials of the third-party providers (GitLab CI variables TF_VAR_provider_secrets, never in the repository)."
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

variable "values_dir" {
  description = "Folder of the generated values files (infra/gitops/envs/<env>/infra), read by Argo CD."
  type        = string
}

variable "region" {
  description = "Spaces region slug (fra1)."
  type        = string
}

variable "uploads_bucket" {
  description = "Bucket of the SPA's uploads and the media variants (PICKEY_STORAGE__S3_BUCKET)."
  type        = string
}

variable "backups_bucket" {
  description = "Bucket of the nightly database dumps (PICKEY_BACKUP__S3_BUCKET); no service but the backup can reach it."
  type        = string
}

variable "app_origin" {
  description = "Origin of the SPA (https://pickey.cz): the only origin the browser may upload from."
  type        = string
}

variable "backup_keep_days" {
  description = "Days a dump is kept (PICKEY_BACKUP__KEEP_DAYS); a deleted dump stays recoverable as a previous version this long again."
  type        = number

  validation {
    condition     = var.backup_keep_days >= 1 && var.backup_keep_days <= 3650
    error_message = "backup_keep_days must be 1-3650 (pickey_backup's own bounds)."
  }
}

variable "abandoned_upload_days" {
  description = "Days after which an unfinished multipart upload is aborted and its parts deleted."
  type        = number
  default     = 1
}

variable "name_prefix" {
  description = "Prefix of the Spaces access keys' names (pickey-dev, pickey-prod)."
  type        = string
}

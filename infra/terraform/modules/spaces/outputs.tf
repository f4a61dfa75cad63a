output "endpoint_url" {
  description = "S3 endpoint of the region (PICKEY_STORAGE__S3_ENDPOINT_URL, PICKEY_BACKUP__S3_ENDPOINT_URL)."
  value       = "https://${digitalocean_spaces_bucket.uploads.endpoint}"
}

output "region" {
  description = "S3 region (PICKEY_STORAGE__S3_REGION, PICKEY_BACKUP__S3_REGION)."
  value       = digitalocean_spaces_bucket.uploads.region
}

output "uploads_bucket" {
  description = "PICKEY_STORAGE__S3_BUCKET."
  value       = digitalocean_spaces_bucket.uploads.name
}

output "backups_bucket" {
  description = "PICKEY_BACKUP__S3_BUCKET."
  value       = digitalocean_spaces_bucket.backups.name
}

output "urns" {
  description = "Bucket URNs (for the DigitalOcean project)."
  value       = [digitalocean_spaces_bucket.uploads.urn, digitalocean_spaces_bucket.backups.urn]
}

output "services_access_key_id" {
  description = "PICKEY_STORAGE__S3_ACCESS_KEY_ID (uploads bucket, read-write)."
  value       = digitalocean_spaces_key.services.access_key
  sensitive   = true
}

output "services_secret_access_key" {
  description = "PICKEY_STORAGE__S3_SECRET_ACCESS_KEY."
  value       = digitalocean_spaces_key.services.secret_key
  sensitive   = true
}

output "backup_access_key_id" {
  description = "PICKEY_BACKUP__S3_ACCESS_KEY_ID (backups bucket, read-write)."
  value       = digitalocean_spaces_key.backup.access_key
  sensitive   = true
}

output "backup_secret_access_key" {
  description = "PICKEY_BACKUP__S3_SECRET_ACCESS_KEY."
  value       = digitalocean_spaces_key.backup.secret_key
  sensitive   = true
}

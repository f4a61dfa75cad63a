output "urn" {
  description = "Database cluster URN (for the DigitalOcean project)."
  value       = digitalocean_database_cluster.this.urn
}

output "private_host" {
  description = "Host of the primary inside the VPC."
  value       = digitalocean_database_cluster.this.private_host
}

output "pooled_url" {
  description = "PICKEY_DATABASE_URL of the services: through the PgBouncer pool."
  value       = local.pooled_url
  sensitive   = true
}

output "direct_url" {
  description = "PICKEY_DATABASE_URL of the backup job: straight to the primary (pg_dump holds one long session)."
  value       = local.direct_url
  sensitive   = true
}

output "admin_uri" {
  description = "doadmin's URI, for the one-time ALTER DATABASE ... OWNER step of the README."
  value       = digitalocean_database_cluster.this.private_uri
  sensitive   = true
}

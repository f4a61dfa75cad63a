output "urn" {
  description = "Valkey cluster URN (for the DigitalOcean project)."
  value       = digitalocean_database_cluster.this.urn
}

output "url" {
  description = "PICKEY_REDIS_URL: TLS (rediss) to the primary inside the VPC, database 0."
  value = format(
    "rediss://%s:%s@%s:%d/0",
    digitalocean_database_cluster.this.user,
    urlencode(digitalocean_database_cluster.this.password),
    digitalocean_database_cluster.this.private_host,
    digitalocean_database_cluster.this.port,
  )
  sensitive = true
}

output "cluster_name" {
  description = "doctl kubernetes cluster kubeconfig save <cluster_name>"
  value       = module.cluster.name
}

output "host" {
  description = "The platform's public host."
  value       = local.host
}

output "load_balancer_ip" {
  description = "Address of the ingress load balancer (the proxied DNS records point at it)."
  value       = module.ingress.load_balancer_ip
}

output "uploads_bucket" {
  description = "PICKEY_STORAGE__S3_BUCKET."
  value       = module.spaces.uploads_bucket
}

output "backups_bucket" {
  description = "PICKEY_BACKUP__S3_BUCKET."
  value       = module.spaces.backups_bucket
}

output "s3_endpoint_url" {
  description = "PICKEY_STORAGE__S3_ENDPOINT_URL and PICKEY_BACKUP__S3_ENDPOINT_URL."
  value       = module.spaces.endpoint_url
}

output "database_private_host" {
  description = "PostgreSQL primary inside the VPC."
  value       = module.postgres.private_host
}

output "database_admin_uri" {
  description = "doadmin's URI (README: the one-time ownership step)."
  value       = module.postgres.admin_uri
  sensitive   = true
}

output "chart_values" {
  description = "Values per chart from the infrastructure (the files in infra/gitops/envs/<env>/infra)."
  value       = module.chart_inputs.chart_values
}

output "secret_names" {
  description = "Kubernetes Secrets Terraform writes in the pickey namespace, with their keys."
  value       = module.chart_inputs.secret_names
}

output "id" {
  description = "Cluster ID (the database firewalls admit it)."
  value       = digitalocean_kubernetes_cluster.this.id
}

output "urn" {
  description = "Cluster URN (for the DigitalOcean project)."
  value       = digitalocean_kubernetes_cluster.this.urn
}

output "name" {
  description = "Cluster name (doctl kubernetes cluster kubeconfig save <name>)."
  value       = digitalocean_kubernetes_cluster.this.name
}

output "vpc_id" {
  description = "VPC of the cluster; the databases are placed in it."
  value       = digitalocean_vpc.this.id
}

output "endpoint" {
  description = "API server URL."
  value       = digitalocean_kubernetes_cluster.this.endpoint
}

output "token" {
  description = "Short-lived API token of the cluster's kubeconfig (for the kubernetes and helm providers)."
  value       = digitalocean_kubernetes_cluster.this.kube_config[0].token
  sensitive   = true
}

output "cluster_ca_certificate" {
  description = "PEM of the cluster's certificate authority."
  value       = base64decode(digitalocean_kubernetes_cluster.this.kube_config[0].cluster_ca_certificate)
}

variable "name" {
  description = "Valkey cluster name."
  type        = string
}

variable "region" {
  description = "DigitalOcean region slug (the cluster's)."
  type        = string
}

variable "size" {
  description = "Node size slug."
  type        = string
  default     = "db-s-1vcpu-1gb"
}

variable "vpc_id" {
  description = "VPC of the Kubernetes cluster."
  type        = string
}

variable "kubernetes_cluster_id" {
  description = "The only client the firewall admits."
  type        = string
}

variable "project_id" {
  description = "DigitalOcean project of the environment."
  type        = string
}

variable "tags" {
  description = "Tags of the Valkey cluster."
  type        = list(string)
}

variable "name" {
  description = "Database cluster name."
  type        = string
}

variable "region" {
  description = "DigitalOcean region slug (the cluster's)."
  type        = string
}

variable "size" {
  description = "Node size slug: db-s-1vcpu-1gb (dev), db-s-1vcpu-2gb (prod)."
  type        = string
}

variable "node_count" {
  description = "Primary plus standby nodes (1 = no standby)."
  type        = number
  default     = 1
}

variable "vpc_id" {
  description = "VPC of the Kubernetes cluster."
  type        = string
}

variable "kubernetes_cluster_id" {
  description = "The only client the database firewall admits."
  type        = string
}

variable "project_id" {
  description = "DigitalOcean project of the environment."
  type        = string
}

variable "database" {
  description = "Application database, owned by the application user."
  type        = string
  default     = "pickey"
}

variable "user" {
  description = "Application user (runs the migrations too)."
  type        = string
  default     = "pickey"
}

variable "pool_size" {
  description = "Server connections of the PgBouncer pool; leave room below the plan's limit for the backup and for doadmin."
  type        = number
}

variable "tags" {
  description = "Tags of the database cluster."
  type        = list(string)
}

variable "name" {
  description = "Cluster name, also the prefix of its VPC and node pool (pickey-dev, pickey-prod)."
  type        = string
}

variable "region" {
  description = "DigitalOcean region slug."
  type        = string
}

variable "vpc_ip_range" {
  description = "Private range of the environment's VPC (must not overlap another VPC of the account)."
  type        = string
}

variable "kubernetes_version_prefix" {
  description = "Minor version to run, e.g. \"1.33.\"; the newest patch of it is chosen."
  type        = string
}

variable "ha" {
  description = "Highly available control plane (paid; cannot be turned off once on)."
  type        = bool
  default     = false
}

variable "node_size" {
  description = "Droplet size of the worker nodes."
  type        = string
}

variable "min_nodes" {
  description = "Autoscaling lower bound of the default pool."
  type        = number
}

variable "max_nodes" {
  description = "Autoscaling upper bound of the default pool."
  type        = number

  validation {
    condition     = var.max_nodes >= var.min_nodes
    error_message = "max_nodes must be at least min_nodes."
  }
}

variable "tags" {
  description = "Tags of the cluster and its nodes."
  type        = list(string)
}

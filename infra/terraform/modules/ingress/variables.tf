variable "load_balancer_name" {
  description = "Name DigitalOcean gives the load balancer the ingress Service creates (pickey-prod-ingress)."
  type        = string
}

variable "chart_version" {
  description = "ingress-nginx chart version."
  type        = string
}

variable "replicas" {
  description = "Controller replicas (2: one node may drain without dropping traffic)."
  type        = number
  default     = 2
}

variable "allowed_source_cidrs" {
  description = "The only sources the load balancer admits: Cloudflare's IPv4 ranges (the origin is reachable through Cloudflare only)."
  type        = list(string)
}

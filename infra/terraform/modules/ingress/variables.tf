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

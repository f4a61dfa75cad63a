variable "zone_id" {
  description = "Cloudflare zone of the domain (Overview page of the zone, \"Zone ID\")."
  type        = string
}

variable "hostnames" {
  description = "Public host names of the environment (pickey.cz, www.pickey.cz / dev.pickey.cz)."
  type        = list(string)
}

variable "origin_ip" {
  description = "Address of the ingress load balancer."
  type        = string
}

variable "manage_zone_settings" {
  description = "Whether this environment owns the zone-wide settings (one environment must: prod)."
  type        = bool
}

variable "environment" {
  description = "dev or prod (record comments)."
  type        = string
}

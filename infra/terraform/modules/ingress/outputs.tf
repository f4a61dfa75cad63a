output "load_balancer_ip" {
  description = "Public IPv4 of the ingress load balancer (the DNS records point at it)."
  value       = data.kubernetes_service_v1.ingress.status[0].load_balancer[0].ingress[0].ip
}

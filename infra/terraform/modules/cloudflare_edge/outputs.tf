output "origin_certificate_pem" {
  description = "tls.crt of the Secret pickey-origin-tls."
  value       = cloudflare_origin_ca_certificate.origin.certificate
}

output "origin_private_key_pem" {
  description = "tls.key of the Secret pickey-origin-tls."
  value       = tls_private_key.origin.private_key_pem
  sensitive   = true
}

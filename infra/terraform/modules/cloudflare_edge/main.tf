# DNS at Cloudflare, proxied (DDoS protection and TLS at the edge, free plan), and the origin
# certificate that lets Cloudflare verify the cluster ("Full (strict)").

resource "cloudflare_dns_record" "hosts" {
  for_each = toset(var.hostnames)

  zone_id = var.zone_id
  name    = each.value
  type    = "A"
  content = var.origin_ip
  ttl     = 1 # automatic: required for proxied records
  proxied = true
  comment = "pickey ${var.environment} ingress (Terraform, infra/terraform)"
}

# Zone-wide settings, owned by one environment (prod) since both share the zone.
locals {
  zone_settings = {
    # The origin has a Cloudflare Origin CA certificate: verify it, never fall back to HTTP.
    ssl                      = "strict"
    always_use_https         = "on"
    min_tls_version          = "1.2"
    tls_1_3                  = "on"
    automatic_https_rewrites = "on"
    opportunistic_encryption = "on"
    security_level           = "medium"
    browser_check            = "on"
    http3                    = "on"
    brotli                   = "on"
  }
}

resource "cloudflare_zone_setting" "this" {
  for_each = var.manage_zone_settings ? local.zone_settings : {}

  zone_id    = var.zone_id
  setting_id = each.key
  value      = each.value
}

# The certificate the ingress presents to Cloudflare (Secret pickey-origin-tls). Only Cloudflare
# trusts it, which is all "strict" needs: browsers see Cloudflare's edge certificate.
resource "tls_private_key" "origin" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_cert_request" "origin" {
  private_key_pem = tls_private_key.origin.private_key_pem

  subject {
    common_name  = var.hostnames[0]
    organization = "Pickey"
  }
}

resource "cloudflare_origin_ca_certificate" "origin" {
  csr                  = tls_cert_request.origin.cert_request_pem
  hostnames            = var.hostnames
  request_type         = "origin-rsa"
  requested_validity   = 365
  min_days_for_renewal = 30
}

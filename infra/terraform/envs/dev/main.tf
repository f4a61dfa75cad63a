# One environment of Pickey (the same file in envs/dev and envs/prod; they differ only in
# terraform.tfvars).

locals {
  name = "pickey-${var.environment}"
  tags = ["pickey", "pickey-${var.environment}"]
  host = var.hostnames[0]
}

resource "digitalocean_project" "this" {
  name        = local.name
  description = "Pickey ${var.environment}: Kubernetes, databases, Spaces."
  purpose     = "Web Application"
  environment = var.environment == "prod" ? "Production" : "Development"
}

resource "digitalocean_project_resources" "this" {
  project   = digitalocean_project.this.id
  resources = concat([module.cluster.urn], module.spaces.urns)
}

module "cluster" {
  source = "../../modules/kubernetes_cluster"

  name                      = local.name
  region                    = var.region
  vpc_ip_range              = var.vpc_ip_range
  kubernetes_version_prefix = var.kubernetes_version_prefix
  ha                        = var.kubernetes_ha
  node_size                 = var.node_size
  min_nodes                 = var.min_nodes
  max_nodes                 = var.max_nodes
  tags                      = local.tags
}

module "postgres" {
  source = "../../modules/postgres"

  name                  = "${local.name}-pg"
  region                = var.region
  size                  = var.postgres_size
  node_count            = var.postgres_node_count
  pool_size             = var.postgres_pool_size
  vpc_id                = module.cluster.vpc_id
  kubernetes_cluster_id = module.cluster.id
  project_id            = digitalocean_project.this.id
  tags                  = local.tags
}

module "valkey" {
  source = "../../modules/valkey"
  count  = var.queue_redis == "managed" ? 1 : 0

  name                  = "${local.name}-valkey"
  region                = var.region
  size                  = var.valkey_size
  vpc_id                = module.cluster.vpc_id
  kubernetes_cluster_id = module.cluster.id
  project_id            = digitalocean_project.this.id
  tags                  = local.tags
}

module "spaces" {
  source = "../../modules/spaces"

  region           = var.region
  name_prefix      = local.name
  uploads_bucket   = var.uploads_bucket
  backups_bucket   = var.backups_bucket
  app_origin       = "https://${local.host}"
  backup_keep_days = var.backup_keep_days
}

# Cloudflare's published ranges: the load balancer admits these only.
data "cloudflare_ip_ranges" "this" {}

module "ingress" {
  source = "../../modules/ingress"

  load_balancer_name   = "${local.name}-ingress"
  chart_version        = var.ingress_nginx_chart_version
  allowed_source_cidrs = data.cloudflare_ip_ranges.this.ipv4_cidrs
}

module "edge" {
  source = "../../modules/cloudflare_edge"

  zone_id              = var.cloudflare_zone_id
  hostnames            = var.hostnames
  origin_ip            = module.ingress.load_balancer_ip
  manage_zone_settings = var.manage_zone_settings
  environment          = var.environment
}

module "chart_inputs" {
  source = "../../modules/chart_inputs"

  pickey_environment        = var.pickey_environment
  host                      = local.host
  origin_certificate_pem    = module.edge.origin_certificate_pem
  origin_private_key_pem    = module.edge.origin_private_key_pem
  database_url              = module.postgres.pooled_url
  backup_database_url       = module.postgres.direct_url
  queue_redis               = var.queue_redis
  managed_redis_url         = one(module.valkey[*].url)
  s3_endpoint_url           = module.spaces.endpoint_url
  s3_region                 = module.spaces.region
  uploads_bucket            = module.spaces.uploads_bucket
  backups_bucket            = module.spaces.backups_bucket
  backup_keep_days          = var.backup_keep_days
  storage_access_key_id     = module.spaces.services_access_key_id
  storage_secret_access_key = module.spaces.services_secret_access_key
  backup_access_key_id      = module.spaces.backup_access_key_id
  backup_secret_access_key  = module.spaces.backup_secret_access_key
  provider_secrets          = var.provider_secrets
  values_dir                = "${path.root}/../../../gitops/envs/${var.environment}/infra"
}

# A DigitalOcean Kubernetes cluster in its own VPC, with one autoscaled node pool.
# The managed databases join the same VPC and accept connections only from this cluster.

resource "digitalocean_vpc" "this" {
  name        = "${var.name}-vpc"
  region      = var.region
  ip_range    = var.vpc_ip_range
  description = "Private network of ${var.name}: the cluster and its managed databases."
}

data "digitalocean_kubernetes_versions" "this" {
  version_prefix = var.kubernetes_version_prefix
}

resource "digitalocean_kubernetes_cluster" "this" {
  name          = var.name
  region        = var.region
  version       = data.digitalocean_kubernetes_versions.this.latest_version
  vpc_uuid      = digitalocean_vpc.this.id
  ha            = var.ha
  auto_upgrade  = true
  surge_upgrade = true
  tags          = var.tags

  # Patch upgrades happen here, outside Czech daytime traffic.
  maintenance_policy {
    day        = "sunday"
    start_time = "02:00"
  }

  node_pool {
    name       = "${var.name}-default"
    size       = var.node_size
    auto_scale = true
    min_nodes  = var.min_nodes
    max_nodes  = var.max_nodes
    tags       = var.tags
    labels = {
      "pickey.cz/pool" = "default"
    }
  }
}

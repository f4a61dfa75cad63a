# DigitalOcean's managed Redis-compatible store. DigitalOcean replaced Managed Redis with Managed
# Valkey (engine "valkey"); new "redis" clusters cannot be created any more.
#
# Configured as far as the service allows for queues (DESIGN.md, lesson 6): `noeviction`, so a
# full store refuses writes instead of dropping queued jobs, and RDB persistence. The service
# does NOT allow an append-only file (no `appendonly`/`appendfsync` setting exists), so a node
# failure loses the writes since the last RDB dump (up to 10 minutes). The transactional outbox
# re-pushes every job Redis lost, so no job is lost for good; sessions written in that window
# are. Environments that want AOF (prod) point the services at pickey-data's own Redis instead
# (queue_redis = "in-cluster"): appendonly yes, appendfsync everysec, a sized volume, alerts.

resource "digitalocean_database_cluster" "this" {
  name                 = var.name
  engine               = "valkey"
  version              = "8"
  size                 = var.size
  region               = var.region
  node_count           = 1
  private_network_uuid = var.vpc_id
  project_id           = var.project_id
  eviction_policy      = "noeviction"
  tags                 = var.tags

  maintenance_window {
    day  = "sunday"
    hour = "03:30"
  }
}

resource "digitalocean_database_valkey_config" "this" {
  cluster_id              = digitalocean_database_cluster.this.id
  valkey_maxmemory_policy = "noeviction"
  persistence             = "rdb"
  ssl                     = true

  # arq workers hold idle blocking connections; never close them server-side.
  timeout = 0
}

resource "digitalocean_database_firewall" "this" {
  cluster_id = digitalocean_database_cluster.this.id

  rule {
    type  = "k8s"
    value = var.kubernetes_cluster_id
  }
}

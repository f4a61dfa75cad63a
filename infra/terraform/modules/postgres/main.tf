# Managed PostgreSQL 16 in the cluster's VPC: the application database and user, a PgBouncer
# pool the services connect through, and a firewall that admits the Kubernetes cluster only.

resource "digitalocean_database_cluster" "this" {
  name                 = var.name
  engine               = "pg"
  version              = "16"
  size                 = var.size
  region               = var.region
  node_count           = var.node_count
  private_network_uuid = var.vpc_id
  project_id           = var.project_id
  tags                 = var.tags

  maintenance_window {
    day  = "sunday"
    hour = "03:00"
  }
}

resource "digitalocean_database_db" "app" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = var.database
}

resource "digitalocean_database_user" "app" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = var.user
}

# Session mode: asyncpg prepares statements per connection, which transaction pooling breaks
# (pickey_core.database does not turn asyncpg's statement cache off). Clients beyond the pool
# size wait in PgBouncer instead of being refused by PostgreSQL.
resource "digitalocean_database_connection_pool" "app" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = "${var.database}-pool"
  mode       = "session"
  size       = var.pool_size
  db_name    = digitalocean_database_db.app.name
  user       = digitalocean_database_user.app.name
}

resource "digitalocean_database_firewall" "this" {
  cluster_id = digitalocean_database_cluster.this.id

  rule {
    type  = "k8s"
    value = var.kubernetes_cluster_id
  }
}

locals {
  # SQLAlchemy URLs for asyncpg (pickey_core refuses other drivers); DigitalOcean requires TLS,
  # spelled ?ssl=require for asyncpg (pickey_backup turns it into PGSSLMODE for pg_dump).
  user     = digitalocean_database_user.app.name
  password = urlencode(digitalocean_database_user.app.password)
  pooled_url = format(
    "postgresql+asyncpg://%s:%s@%s:%d/%s?ssl=require",
    local.user, local.password,
    digitalocean_database_connection_pool.app.private_host,
    digitalocean_database_connection_pool.app.port,
    digitalocean_database_connection_pool.app.name,
  )
  direct_url = format(
    "postgresql+asyncpg://%s:%s@%s:%d/%s?ssl=require",
    local.user, local.password,
    digitalocean_database_cluster.this.private_host,
    digitalocean_database_cluster.this.port,
    digitalocean_database_db.app.name,
  )
}

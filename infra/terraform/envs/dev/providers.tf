# Credentials come from the environment, never from files: DIGITALOCEAN_TOKEN,
# SPACES_ACCESS_KEY_ID and SPACES_SECRET_ACCESS_KEY (a Spaces key that may create buckets),
# CLOUDFLARE_API_TOKEN. The cluster's own credentials come from the cluster resource.

provider "digitalocean" {}

provider "cloudflare" {}

provider "kubernetes" {
  host                   = module.cluster.endpoint
  token                  = module.cluster.token
  cluster_ca_certificate = module.cluster.cluster_ca_certificate
}

provider "helm" {
  kubernetes = {
    host                   = module.cluster.endpoint
    token                  = module.cluster.token
    cluster_ca_certificate = module.cluster.cluster_ca_certificate
  }
}

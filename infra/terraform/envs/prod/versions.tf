terraform {
  required_version = ">= 1.6"

  # GitLab-managed Terraform state: address, lock and credentials are given to `terraform init`
  # by the pipeline (.gitlab-ci.yml, .terraform) or by hand (README, "Infrastructure").
  backend "http" {}

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.79"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.5"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 3.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    local = {
      source  = "hashicorp/local"
      version = "~> 2.5"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "~> 4.0"
    }
  }
}

# What the charts need from the infrastructure, in the shape the charts expect:
# - Kubernetes Secrets named and keyed exactly as the charts' `secret.name`/`secret.keys`
#   (charts/*/values.yaml) and the other Secrets they reference;
# - one generated values file per chart (infra/gitops/envs/<env>/infra/<chart>.yaml) that Argo CD
#   layers over charts/<chart>/ci/<env>-values.yaml: hosts, buckets, endpoints, retention.
# tests/infra/test_chart_inputs.py checks both against the charts' schemas and settings.

resource "kubernetes_namespace_v1" "pickey" {
  metadata {
    name = var.namespace
    labels = {
      "app.kubernetes.io/part-of" = "pickey"
    }
  }
}

resource "random_password" "session_secret" {
  length  = 64
  special = false
}

# Signs the one-click unsubscribe links (notifications).
resource "random_password" "unsubscribe_signing_key" {
  length  = 64
  special = false
}

# Keys the hash that keeps an erased person's suppressed address (api and notifications).
resource "random_password" "suppression_hash_key" {
  length  = 64
  special = false
}

# Password of pickey-data's own Redis (used when queue_redis = "in-cluster").
resource "random_password" "redis" {
  length  = 48
  special = false
}

locals {
  app_url = "https://${var.host}"

  # pickey-data's Redis Service: release pickey-data, component redis.
  in_cluster_redis_url = "redis://:${random_password.redis.result}@pickey-data-redis.${var.namespace}.svc.cluster.local:6379/0"
  redis_url            = var.queue_redis == "managed" ? var.managed_redis_url : local.in_cluster_redis_url
  redis_auth_secret    = var.queue_redis == "in-cluster" ? "pickey-redis" : ""

  # Values per chart. Only what comes from the infrastructure; everything else stays in
  # charts/<chart>/ci/<env>-values.yaml.
  chart_values = {
    api = {
      environment = var.pickey_environment
      ingress = {
        host          = var.host
        tlsSecretName = var.origin_tls_secret
      }
      config = {
        PICKEY_STORAGE__BACKEND         = "s3"
        PICKEY_STORAGE__S3_ENDPOINT_URL = var.s3_endpoint_url
        PICKEY_STORAGE__S3_REGION       = var.s3_region
        PICKEY_STORAGE__S3_BUCKET       = var.uploads_bucket
        PICKEY_SPA__APP_URL             = local.app_url
        PICKEY_SPA__API_BASE_URL        = "${local.app_url}/api/v1"
        PICKEY_SPA__PAYMENTS_BASE_URL   = "${local.app_url}/payments/v1"
        PICKEY_MUX__CORS_ORIGIN         = local.app_url
      }
    }
    payments = {
      environment = var.pickey_environment
      ingress = {
        host          = var.host
        tlsSecretName = var.origin_tls_secret
      }
    }
    media = {
      environment = var.pickey_environment
      ingress = {
        host          = var.host
        tlsSecretName = var.origin_tls_secret
      }
      config = {
        PICKEY_STORAGE__BACKEND         = "s3"
        PICKEY_STORAGE__S3_ENDPOINT_URL = var.s3_endpoint_url
        PICKEY_STORAGE__S3_REGION       = var.s3_region
        PICKEY_STORAGE__S3_BUCKET       = var.uploads_bucket
      }
    }
    notifications = {
      environment = var.pickey_environment
      ingress = {
        host          = var.host
        tlsSecretName = var.origin_tls_secret
      }
      config = {
        PICKEY_APP_URL = local.app_url
      }
    }
    pickey-data = {
      environment = var.pickey_environment
      redis = {
        auth = {
          existingSecret = local.redis_auth_secret
        }
      }
      backup = {
        config = {
          PICKEY_BACKUP__S3_ENDPOINT_URL = var.s3_endpoint_url
          PICKEY_BACKUP__S3_REGION       = var.s3_region
          PICKEY_BACKUP__S3_BUCKET       = var.backups_bucket
          PICKEY_BACKUP__KEEP_DAYS       = tostring(var.backup_keep_days)
        }
      }
    }
  }

  # Secret name => keys, as the charts read them. Provider credentials come from variables;
  # everything else from the resources of this environment.
  secrets = {
    pickey-api = {
      PICKEY_DATABASE_URL                  = var.database_url
      PICKEY_REDIS_URL                     = local.redis_url
      PICKEY_SESSION_SECRET                = random_password.session_secret.result
      PICKEY_STORAGE__S3_ACCESS_KEY_ID     = var.storage_access_key_id
      PICKEY_STORAGE__S3_SECRET_ACCESS_KEY = var.storage_secret_access_key
      PICKEY_PUSHER__SECRET                = var.provider_secrets.pusher_secret
      PICKEY_MUX__TOKEN_ID                 = var.provider_secrets.mux_token_id
      PICKEY_MUX__TOKEN_SECRET             = var.provider_secrets.mux_token_secret
      PICKEY_MUX__SIGNING_KEY_ID           = var.provider_secrets.mux_signing_key_id
      PICKEY_MUX__SIGNING_PRIVATE_KEY      = var.provider_secrets.mux_signing_private_key
      PICKEY_SUPPRESSION_HASH_KEY          = random_password.suppression_hash_key.result
    }
    pickey-payments = {
      PICKEY_DATABASE_URL = var.database_url
      PICKEY_REDIS_URL    = local.redis_url
    }
    pickey-payments-gpwebpay = {
      "merchant-private-key.pem" = var.provider_secrets.gpwebpay_merchant_private_key
      "gateway-public-key.pem"   = var.provider_secrets.gpwebpay_gateway_public_key
    }
    pickey-media = {
      PICKEY_DATABASE_URL                  = var.database_url
      PICKEY_REDIS_URL                     = local.redis_url
      PICKEY_STORAGE__S3_ACCESS_KEY_ID     = var.storage_access_key_id
      PICKEY_STORAGE__S3_SECRET_ACCESS_KEY = var.storage_secret_access_key
      PICKEY_MUX_WEBHOOK__SECRETS          = var.provider_secrets.mux_webhook_secrets
    }
    pickey-notifications = {
      PICKEY_DATABASE_URL                 = var.database_url
      PICKEY_REDIS_URL                    = local.redis_url
      PICKEY_MAILGUN__API_KEY             = var.provider_secrets.mailgun_api_key
      PICKEY_MAILGUN_WEBHOOK__SIGNING_KEY = var.provider_secrets.mailgun_webhook_signing_key
      PICKEY_UNSUBSCRIBE__SIGNING_KEY     = random_password.unsubscribe_signing_key.result
      PICKEY_PUSHER__SECRET               = var.provider_secrets.pusher_secret
      PICKEY_SUPPRESSION_HASH_KEY         = random_password.suppression_hash_key.result
    }
    pickey-backup = {
      PICKEY_DATABASE_URL                 = var.backup_database_url
      PICKEY_BACKUP__S3_ACCESS_KEY_ID     = var.backup_access_key_id
      PICKEY_BACKUP__S3_SECRET_ACCESS_KEY = var.backup_secret_access_key
    }
    pickey-redis = {
      REDIS_PASSWORD = random_password.redis.result
    }
  }
}

resource "kubernetes_secret_v1" "chart" {
  for_each = toset(keys(local.secrets))

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.pickey.metadata[0].name
    labels = {
      "app.kubernetes.io/managed-by" = "terraform"
    }
  }

  type = "Opaque"
  data = local.secrets[each.key]
}

resource "kubernetes_secret_v1" "origin_tls" {
  metadata {
    name      = var.origin_tls_secret
    namespace = kubernetes_namespace_v1.pickey.metadata[0].name
    labels = {
      "app.kubernetes.io/managed-by" = "terraform"
    }
  }

  type = "kubernetes.io/tls"
  data = {
    "tls.crt" = var.origin_certificate_pem
    "tls.key" = var.origin_private_key_pem
  }
}

resource "local_file" "chart_values" {
  for_each = toset(keys(local.chart_values))

  filename        = "${var.values_dir}/${each.key}.yaml"
  file_permission = "0644"
  content = join("", [
    "# Generated by Terraform (infra/terraform/modules/chart_inputs) on apply: do not edit.\n",
    "# Argo CD layers it over charts/${each.key}/ci/<env>-values.yaml.\n",
    yamlencode(local.chart_values[each.key]),
  ])
}

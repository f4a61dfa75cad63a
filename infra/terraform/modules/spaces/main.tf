# Two buckets, each with its own access key: the services' key cannot read or delete the
# database's history, and the backup's key cannot touch the uploads.

resource "digitalocean_spaces_bucket" "uploads" {
  # checkov:skip=CKV_DIO_1:Uploads are not versioned on purpose: a deletion (a creator's removal, a GDPR erasure) must really erase, and variants are re-creatable from the originals. The backups bucket is versioned.
  name   = var.uploads_bucket
  region = var.region
  acl    = "private"

  # "Abandoned uploads" in S3's own terms: multipart uploads started and never completed keep
  # their parts (and cost) until aborted. The SPA's presigned POST is single-part; the rule
  # covers SDK and tool uploads. Originals whose asset was never confirmed are the
  # application's to clean (they are referenced by media_assets rows), not an age rule's:
  # an age rule on originals/ would delete every kept original.
  lifecycle_rule {
    id                                     = "abort-abandoned-uploads"
    enabled                                = true
    abort_incomplete_multipart_upload_days = var.abandoned_upload_days
  }
}

# Browsers upload straight to the bucket with the presigned POST form the api hands out
# (pickey_core.storage.s3) and read variants with presigned GETs, from the SPA's origin only.
resource "digitalocean_spaces_bucket_cors_configuration" "uploads" {
  bucket = digitalocean_spaces_bucket.uploads.name
  region = var.region

  cors_rule {
    id              = "spa-uploads"
    allowed_origins = [var.app_origin]
    allowed_methods = ["POST", "GET", "HEAD"]
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "Location"]
    max_age_seconds = 3600
  }
}

resource "digitalocean_spaces_bucket" "backups" {
  name   = var.backups_bucket
  region = var.region
  acl    = "private"

  # A dump that pickey-backup deletes after keep_days (or that anyone deletes or overwrites by
  # mistake) stays as a noncurrent version for keep_days more, then goes. There is no
  # expiration of current objects: pickey-backup already deletes old dumps but never the
  # newest, and an age rule here would delete the newest too once backups had been failing
  # for keep_days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    id                                     = "expire-deleted-dumps"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 1

    noncurrent_version_expiration {
      days = var.backup_keep_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }
}

resource "digitalocean_spaces_key" "services" {
  name = "${var.name_prefix}-services"

  grant {
    bucket     = digitalocean_spaces_bucket.uploads.name
    permission = "readwrite"
  }
}

resource "digitalocean_spaces_key" "backup" {
  name = "${var.name_prefix}-backup"

  grant {
    bucket     = digitalocean_spaces_bucket.backups.name
    permission = "readwrite"
  }
}

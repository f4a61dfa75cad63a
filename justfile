# Every task a developer or CI runs. `just --list` shows them.
# Settings come from the environment (PICKEY_*), then from .env, then from the defaults below,
# which make a laptop run work with PostgreSQL and Redis on localhost and the sandbox providers.

set dotenv-load := true
set shell := ["bash", "-euo", "pipefail", "-c"]

# Ports of `just dev` (override to run a second stack beside the first, as the tests do).
sandbox_port := env("DEV_SANDBOX_PORT", "9000")
api_port := env("DEV_API_PORT", "8000")
payments_port := env("DEV_PAYMENTS_PORT", "8001")
media_port := env("DEV_MEDIA_PORT", "8002")
notifications_port := env("DEV_NOTIFICATIONS_PORT", "8003")
metrics_port_base := env("DEV_METRICS_PORT_BASE", "9100")
sandbox_url := "http://127.0.0.1:" + sandbox_port

export PICKEY_ENVIRONMENT := env("PICKEY_ENVIRONMENT", "development")
export PICKEY_DATABASE_URL := env("PICKEY_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/pickey")
export PICKEY_REDIS_URL := env("PICKEY_REDIS_URL", "redis://127.0.0.1:6379/0")
export PICKEY_LOG_JSON := env("PICKEY_LOG_JSON", "false")
export PICKEY_SESSION_SECRET := env("PICKEY_SESSION_SECRET", "development-only-session-secret-not-for-production")
export PICKEY_STORAGE__BACKEND := env("PICKEY_STORAGE__BACKEND", "local")
export PICKEY_SESSION__COOKIE_SECURE := env("PICKEY_SESSION__COOKIE_SECURE", "false")
export PICKEY_MAILGUN__BASE_URL := env("PICKEY_MAILGUN__BASE_URL", sandbox_url)
export PICKEY_MAILGUN__DOMAIN := env("PICKEY_MAILGUN__DOMAIN", "mg.pickey.test")
export PICKEY_MAILGUN__API_KEY := env("PICKEY_MAILGUN__API_KEY", "sandbox-mailgun-key")
export PICKEY_MUX__BASE_URL := env("PICKEY_MUX__BASE_URL", sandbox_url)
export PICKEY_PUSHER__BASE_URL := env("PICKEY_PUSHER__BASE_URL", sandbox_url)
export PICKEY_GPWEBPAY__ORDER_URL := env("PICKEY_GPWEBPAY__ORDER_URL", sandbox_url + "/pgw/order.do")
export PICKEY_GPWEBPAY__WS_URL := env("PICKEY_GPWEBPAY__WS_URL", sandbox_url + "/pay-ws/v1/PaymentService")

# List the recipes
default:
    @just --list

# Install every package of the workspace (and the dev tools) from uv.lock
sync:
    uv sync --locked

# Run the whole platform locally: sandbox, four services, four workers (Ctrl-C stops all)
dev: sync migrate
    #!/usr/bin/env bash
    set -euo pipefail
    trap 'trap - EXIT; kill 0' EXIT INT TERM
    mkdir -p var/storage
    uv run --no-sync python -m pickey_sandbox --port {{ sandbox_port }} &
    PICKEY_PORT={{ api_port }} uv run --no-sync pickey-api serve &
    PICKEY_WORKER__METRICS_PORT=$(({{ metrics_port_base }} + 0)) uv run --no-sync pickey-api worker &
    PICKEY_PORT={{ payments_port }} uv run --no-sync pickey-payments serve &
    PICKEY_WORKER__METRICS_PORT=$(({{ metrics_port_base }} + 1)) uv run --no-sync pickey-payments worker &
    PICKEY_PORT={{ media_port }} uv run --no-sync pickey-media serve &
    PICKEY_WORKER__METRICS_PORT=$(({{ metrics_port_base }} + 2)) uv run --no-sync pickey-media worker &
    PICKEY_PORT={{ notifications_port }} uv run --no-sync pickey-notifications serve &
    PICKEY_WORKER__METRICS_PORT=$(({{ metrics_port_base }} + 3)) uv run --no-sync pickey-notifications worker &
    uv run --no-sync python -m pickey_core.devcheck \
        sandbox={{ sandbox_url }} api=http://127.0.0.1:{{ api_port }} \
        payments=http://127.0.0.1:{{ payments_port }} media=http://127.0.0.1:{{ media_port }} \
        notifications=http://127.0.0.1:{{ notifications_port }}
    wait

# Run the tests (real PostgreSQL and Redis; starts its own S3 server and sandbox), in parallel
test *args: sync
    uv run --no-sync pytest -n auto {{ args }}

# The fault suite (issue 12): every outage reproduced on PostgreSQL, Redis and HAProxy instances of
# its own (never the shared ones), then a table: fault, goal, lost, duplicated, 5xx, failed requests
faults *args: sync
    uv run --no-sync pytest -n 2 -m faults tests/faults {{ args }}

# Check style and formatting
lint: sync
    uv run --no-sync ruff check .
    uv run --no-sync ruff format --check .

# Format the code and apply safe fixes
fmt: sync
    uv run --no-sync ruff format .
    uv run --no-sync ruff check --fix .

# Type-check every package (mypy, strict)
typecheck: sync
    uv run --no-sync mypy libs/core/src libs/sandbox/src services/api/src services/payments/src services/media/src services/notifications/src libs/backup/src

# Create the database if needed and apply every migration
migrate: sync
    uv run --no-sync python -m pickey_core.migrate upgrade

# Autogenerate a migration from the models: just revision "add tips table"
revision message: sync
    uv run --no-sync python -m pickey_core.migrate revision "{{ message }}"

# The provider sandbox alone (GP webpay, Mux, Mailgun, Pusher stand-ins) on port 9000
sandbox:
    uv run python -m pickey_sandbox --port 9000

# The api service alone: web (port 8000) and worker (scheduled posts)
api:
    #!/usr/bin/env bash
    trap 'trap - EXIT; kill 0' EXIT INT TERM
    PICKEY_PORT=8000 uv run pickey-api serve &
    PICKEY_WORKER__METRICS_PORT=9100 uv run pickey-api worker &
    wait

# The payments service alone: web (port 8001) and worker
payments:
    #!/usr/bin/env bash
    trap 'trap - EXIT; kill 0' EXIT INT TERM
    PICKEY_PORT=8001 uv run pickey-payments serve &
    PICKEY_WORKER__METRICS_PORT=9101 uv run pickey-payments worker &
    wait

# The media service alone: web (port 8002) and worker
media:
    #!/usr/bin/env bash
    trap 'trap - EXIT; kill 0' EXIT INT TERM
    PICKEY_PORT=8002 uv run pickey-media serve &
    PICKEY_WORKER__METRICS_PORT=9102 uv run pickey-media worker &
    wait

# The notifications service alone: worker and webhook server (port 8003)
notifications:
    #!/usr/bin/env bash
    trap 'trap - EXIT; kill 0' EXIT INT TERM
    PICKEY_PORT=8003 uv run pickey-notifications serve &
    PICKEY_WORKER__METRICS_PORT=9103 uv run pickey-notifications worker &
    wait

# What CI runs: lint, types, chart and pipeline checks, tests
ci: lint typecheck charts-lint pipeline-lint test

# Print what Helm would install: just charts-render payments charts/payments/ci/prod-values.yaml
charts-render chart *values: sync
    uv run --no-sync python -m tests.charts.render {{ chart }} {{ values }}

# Render every chart with every values file (Helm's engine, schemas) and validate the objects
charts-lint: sync
    uv run --no-sync python -m tests.charts.values_schemas --check
    uv run --no-sync python -m tests.charts.render --lint

# Rewrite the charts' values.schema.json from tests/charts/values_schemas.py
charts-schemas: sync
    uv run --no-sync python -m tests.charts.values_schemas

# Check .gitlab-ci.yml: stages, jobs, needs, rules and recipes all refer to things that exist
pipeline-lint: sync
    uv run --no-sync pytest -q -p no:cacheprovider tests/workspace/test_gitlab_ci.py

# Build every image with Docker (CI builds them with Kaniko): just images api payments
images *names="api payments media notifications sandbox backup":
    #!/usr/bin/env bash
    set -euo pipefail
    for name in {{ names }}; do
        case "$name" in
            sandbox|backup) dockerfile="libs/$name/Dockerfile" ;;
            *) dockerfile="services/$name/Dockerfile" ;;
        esac
        docker build -f "$dockerfile" -t "pickey-$name:dev" .
    done

# Back up the database (PICKEY_DATABASE_URL) to the backup bucket (PICKEY_BACKUP__*)
backup: sync
    uv run --no-sync pickey-backup run

# Restore a dump into an empty database: just restore postgresql+asyncpg://.../pickey_restored [KEY]
restore target key="": sync
    uv run --no-sync pickey-backup restore --target-database-url "{{ target }}" {{ if key != "" { "--key " + key } else { "" } }}

# Print the configuration reference (every PICKEY_ variable) for the README
settings-reference:
    @uv run --no-sync python -m pickey_core.settings_reference pickey_api.settings:ApiSettings pickey_payments.settings:PaymentsSettings pickey_media.settings:MediaSettings pickey_notifications.settings:NotificationsSettings pickey_backup.settings:BackupSettings

# Benchmarks by name: `just bench media` (image pipeline vs pyvips and a naive full-decode one),
# `just bench notifications` (fan-out to 50,000 members, batched vs one by one; pass options
# after the name: `just bench notifications --members 5000`)
bench target="media" *options: sync
    #!/usr/bin/env bash
    set -euo pipefail
    case "{{ target }}" in
        media) uv run --no-sync python -m pickey_media.images.benchmark {{ options }} ;;
        notifications) uv run --no-sync python -m pickey_notifications.benchmark {{ options }} ;;
        *) echo "unknown benchmark: {{ target }} (known: media, notifications)" >&2; exit 2 ;;
    esac

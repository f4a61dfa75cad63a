"""``pickey-payments serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service
from pickey_payments.settings import PaymentsSettings


def main() -> None:
    run_service(
        "payments",
        PaymentsSettings,
        create_app="pickey_payments.app:create_app",
        worker_options="pickey_payments.worker:payments_worker",
    )


if __name__ == "__main__":
    main()

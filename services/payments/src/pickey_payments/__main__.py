"""``pickey-payments serve|worker``."""

from __future__ import annotations

from pickey_core.cli import run_service

from pickey_payments.app import create_app
from pickey_payments.settings import PaymentsSettings
from pickey_payments.worker import payments_worker


def main() -> None:
    run_service("payments", PaymentsSettings, create_app=create_app, worker_options=payments_worker)


if __name__ == "__main__":
    main()

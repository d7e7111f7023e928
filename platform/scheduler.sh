#!/bin/sh
# The periodic jobs, for docker compose (a cron job does the same on other hosts).
# Each job is idempotent, so running it more often than needed is harmless.
set -u
while true; do
    python manage.py publish_scheduled          # Wagtail pages scheduled to go live
    python manage.py notifications_retry        # e-mails whose delivery failed
    python manage.py review_reminders           # wijkpanel reminders, each sent once
    python manage.py budget_notify              # wijkbudget: voting opens / closes tomorrow, once
    python manage.py budget_mix_ballots         # wijkbudget: unlink new ballots from their voters
    python manage.py privacy_retention          # personal data past its retention period (AVG)
    # Sent e-mails' task rows hold their bodies (receipt codes, names): keep them two days.
    python manage.py prune_db_task_results --min-age-days 2
    sleep "${SCHEDULER_INTERVAL_SECONDS:-900}"
done

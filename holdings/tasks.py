"""The holdings app's background work: the retention rule for owners' personal data."""

from procrastinate.contrib.django import app

from . import privacy


# Nightly: owners who have owned nothing for longer than their municipality's retention
# period lose their ID numbers and phones (holdings.privacy.erase_expired).
@app.periodic(cron="41 2 * * *")
@app.task(queue="holdings", name="holdings.erase_expired_personal_data")
def erase_expired_personal_data(timestamp: int) -> int:
    return privacy.erase_expired()

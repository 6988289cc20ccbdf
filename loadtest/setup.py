"""Create the load-test respondents in Riverside (idempotent): load001…load050, or as many as
LOAD_USERS says (`make capacity` asks for its largest step)."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from assessment.models import Membership, Place, Role

USERS = int(os.environ.get("LOAD_USERS", "50"))
place = Place.objects.get(code="riverside")
password = make_password("integration-demo")
User = get_user_model()
for n in range(1, USERS + 1):
    email = f"load{n:03d}@riverside.example.org"
    person = {"email": email, "first_name": "Load", "last_name": f"User {n}", "password": password}
    user, _ = User.objects.get_or_create(username=email, defaults=person)
    Membership.objects.get_or_create(user=user, place=place, defaults={"role": Role.RESPONDENT})
print(f"{USERS} load-test respondents ready in {place.name}.")

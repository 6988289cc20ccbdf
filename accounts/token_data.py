"""A person's API tokens as personal data: listed in "Your data", removed when they are erased.

A holder of its own (accounts.personal_data's registry) rather than a table in accounts' own
holder, so the tokens stay in the files that own them. Importing this module registers it
(AccountsConfig.ready imports it)."""

from accounts.models import ApiToken
from accounts.personal_data import Erased, register


class ApiTokenHolder:
    label = "API tokens"

    def refusal(self, user) -> str | None:
        return None

    def leads_a_place(self, user) -> bool:
        return False

    def export(self, user) -> dict[str, list[dict]]:
        """Which tokens, by name and visible start: never their digests."""
        fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
        return {"api_tokens": list(ApiToken.objects.filter(person=user).values(*fields))}

    def erase(self, user) -> Erased:
        """Every token goes: a token's name is the person's own words."""
        done = Erased()
        n, _ = ApiToken.objects.filter(person=user).delete()
        if n:
            done.removed.append(f"{n} API token{'s' if n != 1 else ''}")
        return done


register(ApiTokenHolder())

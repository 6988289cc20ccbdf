"""The second-factor step of a sign-in: allauth's, except after a provider's sign-in, whose
provider has asked for its own second factor (the person is not asked twice)."""

from allauth.mfa.stages import AuthenticateStage


def through_provider(login) -> bool:
    return bool((login.signal_kwargs or {}).get("sociallogin"))


class SecondFactorStage(AuthenticateStage):
    def _should_handle(self, request) -> bool:
        return not through_provider(self.login) and super()._should_handle(request)

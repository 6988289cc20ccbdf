from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import (
            audit,  # noqa: F401  (connects the sign-in listeners)
            token_data,  # noqa: F401  (registers API tokens as personal data)
        )

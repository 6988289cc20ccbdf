"""Routes of the improvement plan (actions of a round)."""

urlpatterns: list = []

"""Staff add a person by name and e-mail address, and the person is invited (Django's own
"Add user" asks for a username and a password, and neither a name nor an address)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.invitations import mail_person_invitation, new_person
from accounts.models import AuditEvent

User = get_user_model()


class PersonAddForm(forms.ModelForm):
    """Name and address; the person sets their own password from the invitation."""

    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address")

    class Meta:
        model = User
        fields = ["is_staff"]
        help_texts = {
            "is_staff": "Staff can upload frameworks, see the audit log and erase people."
        }

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                f"{email} already has an account: find them in the list of users."
            )
        return email

    def save(self, commit=True):
        user = new_person(email=self.cleaned_data["email"], name=self.cleaned_data["full_name"])
        if self.cleaned_data.get("is_staff"):
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    def save_m2m(self):
        pass


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    add_form = PersonAddForm
    add_fieldsets = ((None, {"fields": ["full_name", "email", "is_staff"]}),)
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]

    def save_model(self, request, obj, form, change):
        """A new person is saved by PersonAddForm.save (as ``obj``); then invited."""
        if change:
            return super().save_model(request, obj, form, change)
        base_url = request.build_absolute_uri("/")[:-1]
        result = mail_person_invitation.enqueue(user_id=obj.pk, base_url=base_url)
        if result.is_finished and not result.return_value:
            messages.warning(request, f"The invitation to {obj.email} could not be sent.")
        else:
            messages.info(request, f"An invitation is on its way to {obj.email}.")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "kind", "person", "by", "email", "ip_address", "detail"]
    list_filter = ["kind"]
    list_select_related = ["person", "by"]
    search_fields = ["person__email", "email", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
